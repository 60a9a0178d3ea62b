import { TEXT_SEARCH_CONFIG, type SqlRunner } from '../sql';

/**
 * Okapi BM25 over the knowledge_postings inverted index, computed in SQL.
 * PostgreSQL's ts_rank_cd is a proximity score, not BM25, and loses ~0.1 nDCG@10 on SciFact; here
 * idf, term frequency saturation (k1) and length normalisation (b) follow Lucene's BM25Similarity,
 * with Anserini's defaults k1 = 0.9, b = 0.4 (its BEIR baselines). Only the posting lists of the
 * query's lexemes are read, so cost follows the query's terms, not the corpus size.
 */
export const BM25_K1 = 0.9;
export const BM25_B = 0.4;

export interface RankedChunk {
  chunkId: string;
  score: number;
}

export interface AccessFilter {
  /** The caller's groups; chunks with groups are visible only when they share one. */
  groups: string[];
  /** Platform operators and tenant admins may see restricted documents too. */
  seesAllGroups: boolean;
}

/**
 * SQL predicate on `alias` for the caller's groups, bound to parameters $n (sees all) and $n+1 (groups).
 * Chunks store '{}' for "whole tenant", postings store NULL; both forms are accepted.
 */
export function accessPredicate(alias: string, paramIndex: number): string {
  const groups = `${alias}.access_groups`;
  return `(${groups} IS NULL OR ${groups} = '{}' OR $${paramIndex}::boolean OR ${groups} && $${paramIndex + 1}::text[])`;
}

/**
 * `tenantId` is repeated next to row-level security on purpose: RLS guarantees isolation, the explicit
 * predicate lets the planner range-scan the (tenant_id, term) primary key even for a role that bypasses RLS.
 * Shaped for speed (SciFact, 13-term query, 13k postings: ~90 ms → ~5 ms): the primary key INCLUDEs tf,
 * doc_len and groups (migration 0205), so posting lists are index-only scans instead of one heap page per
 * posting; df is counted per query term (an index-only count) instead of a window over all postings, which
 * needed a sort; and every constant is float8, because numeric arithmetic made the aggregate ~8x slower.
 * Parameters: $1 query text, $2 sees-all, $3 groups, $4 limit, $5 tenant. Shared by `searchBm25` and the
 * one-statement hybrid search (hybrid.ts), which nests it as a CTE.
 */
export const BM25_CANDIDATES_SQL = `WITH stats AS (
       SELECT greatest(chunk_count, 1)::float8 AS n, greatest(term_total::float8 / greatest(chunk_count, 1), 1) AS avgdl
       FROM knowledge_corpus_stats WHERE tenant_id = $5
     ), q AS (
       -- per query term: qtf × idf × (k1 + 1), and the length-normalisation factors of the denominator;
       -- df counts every chunk of the tenant, so a document scores the same whoever asks
       SELECT t.lexeme AS term,
              array_length(t.positions, 1) * ln(1 + (s.n - df.n + 0.5) / (df.n + 0.5)) * ${BM25_K1 + 1}::float8 AS weight,
              ${BM25_K1 * BM25_B}::float8 / s.avgdl AS per_len,
              ${BM25_K1 * (1 - BM25_B)}::float8 AS base
       FROM unnest(to_tsvector('${TEXT_SEARCH_CONFIG}', $1)) t CROSS JOIN stats s
       CROSS JOIN LATERAL (SELECT count(*)::float8 AS n FROM knowledge_postings c WHERE c.tenant_id = $5 AND c.term = t.lexeme) df
       WHERE df.n > 0
     )
     SELECT p.chunk_id, sum(q.weight * p.tf / (p.tf + q.per_len * p.doc_len + q.base)) AS score
     FROM q JOIN knowledge_postings p ON p.tenant_id = $5 AND p.term = q.term
     WHERE ${accessPredicate('p', 2)}
     GROUP BY p.chunk_id
     ORDER BY score DESC, p.chunk_id DESC
     LIMIT $4`;

export async function searchBm25(tx: SqlRunner, tenantId: string, query: string, access: AccessFilter, limit: number): Promise<RankedChunk[]> {
  const { rows } = await tx.query<{ chunk_id: string; score: number }>(BM25_CANDIDATES_SQL, [query, access.seesAllGroups, access.groups, limit, tenantId]);
  return rows.map((row) => ({ chunkId: row.chunk_id, score: Number(row.score) }));
}
