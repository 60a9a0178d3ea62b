import { toVectorLiteral } from '../embedding/embedder';
import type { SqlRunner } from '../sql';
import { accessPredicate, type AccessFilter, type RankedChunk } from './bm25';

/** ef_search 100 measured recall@10 ≈ 0.97 on embedding-like 100k × 384 data (datalayer contract §3.4). */
export const HNSW_EF_SEARCH = 100;

/**
 * Cosine kNN over chunk embeddings of one size. `dimensions` is interpolated (it is an integer from the
 * embedder, checked here) because the cast `vector(N)` and the predicate `embedding_dims = N` must be
 * literal for the planner to pick the matching partial HNSW index from migration 0200.
 * Iterative scan keeps returning rows when RLS or group filters drop most of the nearest ones; it may
 * yield them slightly out of order, hence the re-sort in the outer query.
 */
export async function searchVector(tx: SqlRunner, tenantId: string, embedding: Float32Array, access: AccessFilter, limit: number): Promise<RankedChunk[]> {
  const dims = embedding.length;
  if (!Number.isInteger(dims) || dims < 1 || dims > 16000) throw new Error(`searchVector: invalid dimensions ${dims}`);
  await tx.query(`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', '${HNSW_EF_SEARCH}', true)`);
  const { rows } = await tx.query<{ chunk_id: string; distance: number }>(
    `SELECT chunk_id, distance FROM (
       SELECT c.id AS chunk_id, (c.embedding::vector(${dims})) <=> $1::vector(${dims}) AS distance
       FROM knowledge_chunks c
       WHERE c.tenant_id = $5 AND c.embedding_dims = ${dims} AND ${accessPredicate('c', 2)}
       ORDER BY distance
       LIMIT $4
     ) nearest
     ORDER BY distance, chunk_id DESC`,
    [toVectorLiteral(embedding), access.seesAllGroups, access.groups, limit, tenantId],
  );
  return rows.map((row) => ({ chunkId: row.chunk_id, score: 1 - Number(row.distance) }));
}
