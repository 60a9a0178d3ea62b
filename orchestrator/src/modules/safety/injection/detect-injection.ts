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

/**
 * What is scanned. The model learned from chat messages of a set where a third to a half are attacks;
 * retrieved documents and tool output are declarative data from the tenant's own sources, out of that
 * domain and far less often hostile. Their model score is therefore shifted by the prior odds (an
 * assumed 5% against the training split's 37%), so plain statements ("Refunds are paid back within 14
 * days") are not flagged on the model alone, while the cues still flag instructions planted in them.
 */
export type InjectionSource = 'message' | 'document';
const DOCUMENT_PRIOR_SHIFT = Math.log(0.05 / 0.95) - Math.log(0.37 / 0.63);

export function detectInjection(text: string, threshold = 0.5, source: InjectionSource = 'message'): InjectionResult {
  let score = 0;
  const cues = new Set<string>();
  const shift = source === 'document' ? DOCUMENT_PRIOR_SHIFT : 0;
  for (const part of windows(text)) {
    let partScore = modelProbability(part, shift);
    for (const cue of matchCues(part)) {
      cues.add(cue.id);
      if (cue.strong) partScore = Math.max(partScore, STRONG_CUE_SCORE);
    }
    score = Math.max(score, partScore);
  }
  score = Math.round(score * 1000) / 1000;
  return { detected: score >= threshold, score, cues: [...cues] };
}
