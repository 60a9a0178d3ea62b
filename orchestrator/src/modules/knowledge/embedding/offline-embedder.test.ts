import { describe, expect, it } from 'vitest';
import { createOfflineEmbedder } from './offline-embedder';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe('offline embedder', () => {
  it('gives the same unit vector for the same text, across instances', async () => {
    const [a] = await createOfflineEmbedder().embed(['Vitamin D lowers the risk of fractures.'], 'document');
    const [b] = await createOfflineEmbedder().embed(['Vitamin D lowers the risk of fractures.'], 'query');
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(dot(a!, a!)).toBeCloseTo(1, 5);
  });

  it('records its size and version in its identity', () => {
    const embedder = createOfflineEmbedder({ dimensions: 256 });
    expect(embedder.dimensions).toBe(256);
    expect(embedder.id).toMatch(/^offline-hash-v\d+$/);
  });

  it('places texts that share words and word forms nearer than unrelated ones', async () => {
    const [query, related, unrelated] = await createOfflineEmbedder().embed(
      ['mutations in tumour suppressor genes', 'a tumour suppressor gene mutation was found', 'quarterly invoices are due on Friday'],
      'document',
    );
    expect(dot(query!, related!)).toBeGreaterThan(dot(query!, unrelated!) + 0.2);
  });

  it('maps text without indexable words to the zero vector instead of NaN', async () => {
    const [empty] = await createOfflineEmbedder().embed(['the of and'], 'query');
    expect(Array.from(empty!).every((value) => value === 0)).toBe(true);
  });
});
