/**
 * Recognises an explicit request to remember something ("remember that I prefer email", "please
 * remember: my order number is 42"), in English, German, French and Spanish. Returns the fact to keep,
 * or null. Deliberately narrow: a false positive stores something the user did not ask to keep.
 */
const PATTERNS: RegExp[] = [
  /^(?:please\s+|pls\s+|can you\s+|could you\s+)?remember\s+(?:that\s+|this\s*:\s*|:\s*)?(.+)$/i,
  /^(?:bitte\s+)?(?:merk|merke)\s+dir(?:\s+bitte)?(?:,?\s+dass|\s*:)?\s+(.+)$/i,
  /^(?:s'il te plaît\s+|s'il vous plaît\s+)?(?:souviens-toi|souvenez-vous|retiens|retenez)\s+(?:que\s+|qu')?(.+)$/i,
  /^(?:por favor\s+)?(?:recuerda|recuerde)\s+(?:que\s+)?(.+)$/i,
];

export const MAX_MEMORY_CHARS = 1000;

export function detectMemoryRequest(message: string): string | null {
  const text = message.trim().replace(/\s+/g, ' ');
  for (const pattern of PATTERNS) {
    const fact = pattern
      .exec(text)?.[1]
      ?.trim()
      .replace(/[.!]+$/, '');
    if (fact && fact.length >= 3) return fact.slice(0, MAX_MEMORY_CHARS);
  }
  return null;
}
