/**
 * Deterministic behaviour of the fake model when a test scripted nothing: it answers by echoing
 * the question and the numbered sources it was given ("[1] …" lines anywhere in the prompt), so a
 * test can assert that retrieval reached the model and that the answer cites it.
 */

export interface PromptView {
  /** Every message's text in order (system first), flattened. */
  texts: string[];
  lastUserMessage: string;
}

const SOURCE_LINE = /^\s*\[(\d{1,3})\]\s*(.+)$/gm;

export function numberedSources(texts: string[]): { number: number; text: string }[] {
  const seen = new Map<number, string>();
  for (const text of texts) {
    for (const match of text.matchAll(SOURCE_LINE)) {
      const number = Number(match[1]);
      if (!seen.has(number)) seen.set(number, match[2]!.trim());
    }
  }
  return [...seen.entries()].sort(([a], [b]) => a - b).map(([number, text]) => ({ number, text }));
}

function firstSentence(text: string): string {
  const sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence;
}

export function defaultAnswer(prompt: PromptView): string {
  const sources = numberedSources(prompt.texts).slice(0, 5);
  const question = `You asked: ${prompt.lastUserMessage.trim() || '(nothing)'}`;
  if (sources.length === 0) return `${question}\nI was given no sources.`;
  return [question, ...sources.map((source) => `[${source.number}] ${firstSentence(source.text)}`)].join('\n');
}

/** ~4 characters per token, the usual rule of thumb; deterministic so tests can assert usage and cost. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** FNV-1a: tiny, fast and stable across runs, which is all a fake embedding needs. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A hashed bag-of-words vector, L2-normalised: texts sharing words get a high cosine similarity,
 * so retrieval tests built on the fake rank sensibly without any model.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const hash = fnv1a(word);
    vector[hash % dimensions]! += hash & 0x80000000 ? -1 : 1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((value) => value / norm);
}

export function toBase64Floats(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}
