import { normalize, type Embedder, type EmbeddingPurpose } from './embedder';

/**
 * The default embedder: no network, no model file, same vector for the same text on every machine.
 * It feature-hashes words, word pairs and character n-grams (signed hashing, so collisions cancel out
 * on average instead of adding up) into a fixed-size vector with sublinear term frequency, then
 * L2-normalises it. Word features carry exact-term evidence; character n-grams let "mutation" meet
 * "mutations" and "T-cell" meet "tcell", which is what the BM25 side of hybrid search cannot do.
 * Bump VERSION whenever the features change: it is part of the index identity and forces a re-embed.
 */
const VERSION = 'v1';

const STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its ' +
    'may might more most no not of on or our she should so such than that the their them then there these they this ' +
    'those to was we were what when where which while who whom why will with would you your also both each other over under'
  ).split(' '),
);

export interface OfflineEmbedderOptions {
  dimensions?: number;
}

/** FNV-1a 32-bit followed by a murmur3 finaliser so that close strings land far apart. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function tokenize(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0 && !STOPWORDS.has(token));
}

const WORD_WEIGHT = 1;
const PAIR_WEIGHT = 0.5;
const NGRAM_WEIGHT = 0.35;

/** feature → [weight of one occurrence, number of occurrences] */
function features(text: string): Map<string, [number, number]> {
  const counts = new Map<string, [number, number]>();
  const add = (feature: string, weight: number) => {
    const seen = counts.get(feature);
    if (seen) seen[1] += 1;
    else counts.set(feature, [weight, 1]);
  };
  const tokens = tokenize(text);
  tokens.forEach((token, i) => {
    add(`w ${token}`, WORD_WEIGHT);
    if (i > 0) add(`p ${tokens[i - 1]} ${token}`, PAIR_WEIGHT);
    if (token.length < 4 || /^\d+$/.test(token)) return;
    const padded = `<${token}>`;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) add(`c ${padded.slice(j, j + n)}`, NGRAM_WEIGHT);
    }
  });
  return counts;
}

export function createOfflineEmbedder(options: OfflineEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 512;
  const embedOne = (text: string): Float32Array => {
    const vector = new Float32Array(dimensions);
    for (const [feature, [weight, count]] of features(text)) {
      const h = hash(feature);
      const slot = (h >>> 1) % dimensions;
      // sublinear tf: a term repeated ten times is stronger evidence, not ten times stronger
      vector[slot] = vector[slot]! + (h & 1 ? 1 : -1) * weight * (1 + Math.log(count));
    }
    return normalize(vector);
  };
  return {
    id: `offline-hash-${VERSION}`,
    dimensions,
    embed: async (texts: string[], _purpose: EmbeddingPurpose) => texts.map(embedOne),
  };
}
