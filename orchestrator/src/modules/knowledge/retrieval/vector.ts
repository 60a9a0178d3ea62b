import { toVectorLiteral } from '../embedding/embedder';
import type { SqlRunner } from '../sql';
import { accessPredicate, type AccessFilter, type RankedChunk } from './bm25';

/** Below this many chunks an exact scan is cheap enough; the planner may choose it. */
const HNSW_MIN_CHUNKS = 2000;

/**
 * Cosine kNN over chunk embeddings of one size. `dimensions` is interpolated (it is an integer from the
 * embedder, checked here) because the cast `vector(N)` and the predicate `embedding_dims = N` must be
 * literal for the planner to pick the matching partial HNSW index (migrations 0200, 0206).
 * `efSearch` (config KNOWLEDGE_HNSW_EF_SEARCH) trades recall for time; it is raised to `limit` when smaller so
 * the first pass covers the whole limit. Iterative scan keeps returning rows when RLS or group filters drop
 * most of the nearest ones; it may yield them slightly out of order, hence the re-sort.
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
  // Settings are transaction-local (is_local = true): the next transaction on this connection starts from the defaults.
  // The planner costs an exact scan (every row's vector detoasted from TOAST and compared) far too cheaply and picked
  // it for whole tenants of a few thousand chunks (SciFact, 7.7k: 65–80 ms against ~10 ms through HNSW). So when the
  // tenant is big enough for HNSW and holds enough of the table for an iterative scan to find `limit` of its rows
  // within hnsw.max_scan_tuples (default 20,000), sorts are disabled: the exact plans need a sort, the HNSW scan does
  // not (the relaxed-order re-sort below happens here in JS). Small tenants keep the planner's exact search.
  const settings = await tx.query<{ enable_sort: string }>(
    `SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', $1, true),
            set_config('enable_sort', CASE WHEN s.tenant_chunks >= ${HNSW_MIN_CHUNKS}
                                            AND s.tenant_chunks * 20000 >= greatest(s.table_rows, s.tenant_chunks) * $3 * 4
                                       THEN 'off' ELSE 'on' END, true) AS enable_sort
     FROM (SELECT coalesce((SELECT chunk_count FROM knowledge_corpus_stats WHERE tenant_id = $2), 0)::float8 AS tenant_chunks,
                  (SELECT reltuples FROM pg_class WHERE oid = 'knowledge_chunks'::regclass)::float8 AS table_rows) s`,
    [String(Math.max(efSearch, limit)), tenantId, limit],
  );
  const { rows } = await tx.query<{ chunk_id: string; distance: number }>(
    `SELECT c.id AS chunk_id, (c.embedding::vector(${dims})) <=> $1::vector(${dims}) AS distance
     FROM knowledge_chunks c
     WHERE c.tenant_id = $5 AND c.embedding_dims = ${dims} AND ${accessPredicate('c', 2)}
     ORDER BY distance
     LIMIT $4`,
    [toVectorLiteral(embedding), access.seesAllGroups, access.groups, limit, tenantId],
  );
  // enable_sort is for this query's plan only: the rest of the transaction (citations, a chat turn's writes) plans normally;
  // small tenants never turned it off, so they pay no extra round trip
  if (settings.rows[0]?.enable_sort === 'off') await tx.query(`SELECT set_config('enable_sort', 'on', true)`);
  // iterative scans may return rows slightly out of order; ties break on chunk id for determinism
  rows.sort((a, b) => Number(a.distance) - Number(b.distance) || (a.chunk_id < b.chunk_id ? 1 : a.chunk_id > b.chunk_id ? -1 : 0));
  return rows.map((row) => ({ chunkId: row.chunk_id, score: 1 - Number(row.distance) }));
}
