/**
 * Feature extraction shared by the runtime detector and scripts/train-injection-detector.ts, so the
 * weights and the features can never drift apart: hashed word uni/bi-grams, hashed character 2–6-grams
 * inside words (robust to German compounds and typos) and the heuristic cues, L2-normalised.
 * A text is scored through several views (featureViews): the whole text and its sentence tails.
 */
import { matchCues } from './heuristics';

export const FEATURE_BITS = 18;
const MASK = (1 << FEATURE_BITS) - 1;

/** 32-bit FNV-1a; stable across platforms and Node versions. */
export function hashFeature(feature: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) {
    h ^= feature.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & MASK;
}

/**
 * Character n-grams are many per word; at a quarter of a word's weight they add typo and compound
 * robustness without drowning the word features (grouped CV on train: log-loss 0.168 → 0.157 vs 0.5).
 */
const CHAR_WEIGHT = 0.25;

export function normalise(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export function words(text: string): string[] {
  return normalise(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Sparse feature vector: bucket → value, L2-normalised. */
export function extractFeatures(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (f: string, weight = 1): void => {
    const k = hashFeature(f);
    counts.set(k, (counts.get(k) ?? 0) + weight);
  };
  // Long documents: the head and tail carry the instruction; capping keeps scans fast and bounded.
  const bounded = text.length > 4000 ? `${text.slice(0, 2000)} ${text.slice(-2000)}` : text;
  const tokens = words(bounded);
  tokens.forEach((w, i) => {
    add(`w:${w}`);
    if (i > 0) add(`b:${tokens[i - 1]} ${w}`);
    const padded = ` ${w} `;
    for (let n = 2; n <= 6; n++) for (let j = 0; j + n <= padded.length; j++) add(`c:${padded.slice(j, j + n)}`, CHAR_WEIGHT);
  });
  // Sentence openers capture imperatives ("Forget…", "Vergiss…", "Generate…") that divert the task,
  // as opposed to the questions and keyword searches of ordinary users.
  for (const sentence of normalise(bounded).split(/[.!?\n]+/)) {
    const first = sentence.match(/[\p{L}\p{N}]+/u)?.[0];
    if (first) add(`s:${first}`, 2);
  }
  // Injections are often appended to a harmless question, so the last sentence gets its own features.
  const sentences = normalise(bounded)
    .split(/[.!?\n]+/)
    .filter((x) => /[\p{L}\p{N}]/u.test(x));
  if (sentences.length > 1) for (const w of sentences[sentences.length - 1]!.match(/[\p{L}\p{N}]+/gu) ?? []) add(`t:${w}`);
  if (/\?\s*$/.test(bounded)) add('shape:ends-with-question');
  for (const cue of matchCues(bounded)) add(`cue:${cue.id}`, 4);
  let norm = 0;
  for (const v of counts.values()) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (const [k, v] of counts) counts.set(k, v / norm);
  return counts;
}

/** Sentence tails scored besides the whole text; the last ones, where appended instructions sit. */
const MAX_TAILS = 8;

/**
 * Feature vectors of the whole text and of each sentence tail (the text from a later sentence start to
 * the end). An injection appended to a harmless question ("How is the weather? Now forget your rules…")
 * is diluted in the whole-text vector but stands alone in its tail; the detector takes the worst view.
 * Chosen by grouped cross-validation on the train split (accuracy 0.930 → 0.947 over the whole text alone).
 */
export function featureViews(text: string): Array<Map<number, number>> {
  const sentences = text.split(/(?<=[.!?\n])\s+/).filter((s) => /[\p{L}\p{N}]/u.test(s));
  const views = [extractFeatures(text)];
  for (let i = Math.max(1, sentences.length - MAX_TAILS); i < sentences.length; i++) views.push(extractFeatures(sentences.slice(i).join(' ')));
  return views;
}
