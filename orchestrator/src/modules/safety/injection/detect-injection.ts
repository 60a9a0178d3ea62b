/**
 * Prompt-injection detection for user input, retrieved chunks and tool output. The learned model scores
 * the text; strong cues (e.g. "ignore all previous instructions", fake "system:" turns) lift the score
 * on their own. Long texts — retrieved documents, tool output — are scored per window and the worst window
 * counts, because an indirect injection is usually one paragraph inside otherwise harmless content.
 */
import { matchCues } from './heuristics';
import { modelProbability } from './model';

export interface InjectionResult {
  detected: boolean;
  score: number;
  cues: string[];
}

const WINDOW = 600;
const STRIDE = 500;
const MAX_WINDOWS = 40;
const STRONG_CUE_SCORE = 0.9;

function windows(text: string): string[] {
  if (text.length <= WINDOW) return [text];
  const out: string[] = [];
  for (let start = 0; start < text.length && out.length < MAX_WINDOWS; start += STRIDE) out.push(text.slice(start, start + WINDOW));
  // Past the window budget, still look at the end, where appended instructions tend to sit.
  if (out.length === MAX_WINDOWS) out.push(text.slice(-WINDOW));
  return out;
}

export function detectInjection(text: string, threshold = 0.5): InjectionResult {
  let score = 0;
  const cues = new Set<string>();
  for (const part of windows(text)) {
    let partScore = modelProbability(part);
    for (const cue of matchCues(part)) {
      cues.add(cue.id);
      if (cue.strong) partScore = Math.max(partScore, STRONG_CUE_SCORE);
    }
    score = Math.max(score, partScore);
  }
  score = Math.round(score * 1000) / 1000;
  return { detected: score >= threshold, score, cues: [...cues] };
}
