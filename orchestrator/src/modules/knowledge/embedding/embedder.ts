/**
 * One interface for every embedding provider. `id` names provider and model; together with
 * `dimensions` it is the identity stored with each tenant's index, so switching provider or model
 * triggers a re-embed instead of comparing vectors from two different spaces.
 */
export type EmbeddingPurpose = 'document' | 'query';

export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  embed(texts: string[], purpose: EmbeddingPurpose): Promise<Float32Array[]>;
}

export function embedderIdentity(embedder: Pick<Embedder, 'id' | 'dimensions'>): string {
  return `${embedder.id}@${embedder.dimensions}`;
}

/** Scales a vector to unit length in place (cosine distance then equals 1 - dot product). */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
  return vector;
}

/** pgvector text literal; 7 significant digits halve the text (and parse time) against full doubles. */
export function toVectorLiteral(vector: Float32Array): string {
  let out = '[';
  for (let i = 0; i < vector.length; i++) {
    if (i > 0) out += ',';
    const value = vector[i]!;
    out += value === 0 ? '0' : value.toPrecision(7);
  }
  return `${out}]`;
}
