import type { Passage } from './ports';

/**
 * The offline answerer: with no model configured (or all models down and "offline" in the chain), it
 * composes a reply from the retrieved passages' best-matching sentences, each cited, and says plainly
 * when nothing in the knowledge base answers the question. No generation, so nothing is invented.
 */

const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its me my no not of on or our ' +
    'please so than that the their them then there these they this to us was we were what when where which who why will with would you your ' +
    'der die das und ist sind wie was wer wo ich du sie es ein eine mit für auf nicht le la les et est un une des du de que qui pour pas ' +
    'el los las y es un una que por para con no'
  ).split(' '),
);

const SMALL_TALK = /^(hi|hello|hey|hallo|bonjour|hola|good (morning|afternoon|evening)|thanks|thank you|danke|merci|gracias)\b[\s!.,]*$/i;

/** Lowercase word stems: enough for "refunds"/"refund" and "shipping"/"ship" to meet. */
export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
    .filter((word) => word.length > 1 && !STOPWORDS.has(word))
    .map((word) => word.replace(/(ing|ed|es|s)$/u, '') || word);
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length >= 12);
}

export interface ExtractiveAnswer {
  text: string;
  noAnswer: boolean;
}

export const NO_ANSWER_TEXT = "I couldn't find an answer to that in our knowledge base.";
const MAX_SENTENCES = 3;

/** Passages flagged as carrying instructions are never quoted: an extract would repeat them verbatim. */
export function answerExtractively(question: string, passages: (Passage & { suspicious?: boolean })[]): ExtractiveAnswer {
  if (SMALL_TALK.test(question.trim())) return { text: 'Hello! How can I help you today?', noAnswer: false };
  const wanted = new Set(terms(question));
  if (wanted.size === 0 || passages.length === 0) return { text: NO_ANSWER_TEXT, noAnswer: true };
  // A sentence must share at least a quarter of the question's terms (and at least one) to count as evidence.
  const required = Math.max(1, Math.ceil(wanted.size * 0.25));
  const candidates = passages.flatMap((passage, rank) =>
    (passage.suspicious ? [] : sentences(passage.text)).map((sentence) => {
      const matched = new Set(terms(sentence).filter((term) => wanted.has(term)));
      // Retrieval rank breaks ties: the retriever already weighed the whole passage.
      return { sentence, source: rank + 1, matched: matched.size, score: matched.size - rank * 0.01 };
    }),
  );
  const best = candidates.filter((c) => c.matched >= required).sort((a, b) => b.score - a.score);
  if (best.length === 0) return { text: NO_ANSWER_TEXT, noAnswer: true };
  const chosen: typeof best = [];
  for (const candidate of best) {
    if (chosen.length === MAX_SENTENCES) break;
    if (!chosen.some((c) => c.sentence === candidate.sentence)) chosen.push(candidate);
  }
  // Keep the order the sources gave them, which reads more naturally than score order.
  chosen.sort((a, b) => a.source - b.source);
  const body = chosen.map((c) => `${c.sentence.replace(/\s+/g, ' ')} [${c.source}]`).join(' ');
  return { text: `Here is what our knowledge base says: ${body}`, noAnswer: false };
}
