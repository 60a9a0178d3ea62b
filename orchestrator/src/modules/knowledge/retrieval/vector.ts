import { toVectorLiteral } from '../embedding/embedder';
import type { SqlRunner } from '../sql';
import { accessPredicate, type AccessFilter, type RankedChunk } from './bm25';

/**
 * Cosine kNN over chunk embeddings of one size. `dimensions` is interpolated (it is an integer from the
 * embedder, checked here) because the cast `vector(N)` and the predicate `embedding_dims = N` must be
 * literal for the planner to pick the matching partial HNSW index (migrations 0200, 0206).
 * `efSearch` (config KNOWLEDGE_HNSW_EF_SEARCH) trades recall for time; it is raised to `limit` when smaller so
 * the first pass covers the whole limit. Iterative scan keeps returning rows when RLS or group filters drop
 * most of the nearest ones; it may yield them slightly out of order, hence the re-sort in the outer query.
 */
export async function searchVector(
  tx: SqlRunner,
  tenantId: string,
  embedding: Float32Array,
  access: AccessFilter,
  limit: number,
  efSearch: number,
): Promise<RankedChunk[]> {
  const dims = embedding.length;
  if (!Number.isInteger(dims) || dims < 1 || dims > 16000) throw new Error(`searchVector: invalid dimensions ${dims}`);
  // transaction-local (is_local = true): the next transaction on this pooled connection starts from the defaults.
  // No sequential scan: its cost estimate ignores that every vector over ~2 kB is detoasted from TOAST, so the
  // planner chose it for whole tenants of a few thousand chunks (SciFact, 7.7k: ~80 ms against ~10 ms via HNSW).
  // A small tenant in a big table still gets an exact search, through its (tenant_id, …) btree index.
  await tx.query(
    `SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', $1, true), set_config('enable_seqscan', 'off', true)`,
    [String(Math.max(efSearch, limit))],
  );
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
