import { toVectorLiteral } from '../embedding/embedder';
import type { SqlRunner } from '../sql';
import { accessPredicate, type AccessFilter, type RankedChunk } from './bm25';

/** Below this many chunks an exact scan is cheap enough; the planner may choose it. */
const HNSW_MIN_CHUNKS = 2000;

/**
 * Whether the kNN query must be kept off exact plans. The planner costs an exact scan (every row's vector detoasted
 * from TOAST and compared) far too cheaply and picked it for whole tenants of a few thousand chunks (SciFact, 7.7k:
 * 65–80 ms against ~10 ms through HNSW). So when the tenant is big enough for HNSW and holds enough of the table for
 * an iterative scan to find `limit` of its rows within hnsw.max_scan_tuples (default 20,000), sorts are disabled
 * for the query: the exact plans need a sort, the HNSW scan does not. Small tenants keep the planner's exact search.
 */
export function forcesHnsw(tenantChunks: number, tableRows: number, limit: number): boolean {
  return tenantChunks >= HNSW_MIN_CHUNKS && tenantChunks * 20000 >= Math.max(tableRows, tenantChunks) * limit * 4;
}

/** The two sizes `forcesHnsw` weighs, as select-list columns `tenant_chunks` and `table_rows`; `tenantParam` holds the tenant. */
export const tenantSizesSql = (tenantParam: string) =>
  `coalesce((SELECT chunk_count FROM knowledge_corpus_stats WHERE tenant_id = ${tenantParam}), 0)::float8 AS tenant_chunks,
   (SELECT reltuples FROM pg_class WHERE oid = 'knowledge_chunks'::regclass)::float8 AS table_rows`;

/**
 * Transaction-local settings of a kNN query. `efSearch` (config KNOWLEDGE_HNSW_EF_SEARCH) trades recall for time;
 * it is raised to `limit` when smaller so the first pass covers the whole limit. Iterative scan keeps returning
 * rows when RLS or group filters drop most of the nearest ones; it may yield them slightly out of order.
 */
export function knnSettings(efSearch: number, limit: number, forceHnsw: boolean): Record<string, string> {
  return {
    // Disabled sorts add a huge constant to the plan's cost, which then crosses jit_above_cost: JIT compiling the
    // hybrid statement took ~770 ms of an 800 ms SciFact search. JIT never pays off for queries of milliseconds.
    jit: 'off',
    // Search statements are prepared (platform/db/postgres.ts) but planned on every call: a cached generic plan would
    // keep the HNSW-or-exact choice made under another tenant's size and settings.
    plan_cache_mode: 'force_custom_plan',
    'hnsw.iterative_scan': 'relaxed_order',
    'hnsw.ef_search': String(Math.max(efSearch, limit)),
    ...(forceHnsw ? { enable_sort: 'off' } : {}),
  };
}

/**
 * The kNN candidate query over chunk embeddings of one size: `vectorParam` holds the query vector, $2 sees-all,
 * $3 groups, $4 limit, $5 tenant (the parameters of the BM25 query, so the hybrid statement shares them).
 * `dimensions` is interpolated (an integer from the embedder, checked here) because the cast `vector(N)` and the
 * predicate `embedding_dims = N` must be literal for the planner to pick the matching partial HNSW index
 * (migrations 0200, 0206).
 */
export function knnCandidatesSql(dims: number, vectorParam: string, extraPredicate = 'true'): string {
  if (!Number.isInteger(dims) || dims < 1 || dims > 16000) throw new Error(`searchVector: invalid dimensions ${dims}`);
  return `SELECT c.id AS chunk_id, (c.embedding::vector(${dims})) <=> ${vectorParam}::vector(${dims}) AS distance
     FROM knowledge_chunks c
     WHERE c.tenant_id = $5 AND c.embedding_dims = ${dims} AND ${accessPredicate('c', 2)} AND ${extraPredicate}
     ORDER BY distance
     LIMIT $4`;
}

/** Cosine kNN alone (the retrieval benchmark's vector lane). Runs its settings as statements, in `tx`. */
export async function searchVector(
  tx: SqlRunner,
  tenantId: string,
  embedding: Float32Array,
  access: AccessFilter,
  limit: number,
  efSearch: number,
): Promise<RankedChunk[]> {
  const stats = await tx.query<{ tenant_chunks: number; table_rows: number }>(`SELECT ${tenantSizesSql('$1')}`, [tenantId]);
  const { tenant_chunks, table_rows } = stats.rows[0]!;
  const settings = Object.entries(knnSettings(efSearch, limit, forcesHnsw(Number(tenant_chunks), Number(table_rows), limit)));
  await tx.query(`SELECT ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`, settings.flat());
  const { rows } = await tx.query<{ chunk_id: string; distance: number }>(knnCandidatesSql(embedding.length, '$1'), [
    toVectorLiteral(embedding),
    access.seesAllGroups,
    access.groups,
    limit,
    tenantId,
  ]);
  // this runner's later queries plan normally
  if (settings.some(([name]) => name === 'enable_sort')) await tx.query(`SELECT set_config('enable_sort', 'on', true)`);
  // iterative scans may return rows slightly out of order; ties break on chunk id (descending) for determinism
  rows.sort((a, b) => Number(a.distance) - Number(b.distance) || (a.chunk_id < b.chunk_id ? 1 : a.chunk_id > b.chunk_id ? -1 : 0));
  return rows.map((row) => ({ chunkId: row.chunk_id, score: 1 - Number(row.distance) }));
}
