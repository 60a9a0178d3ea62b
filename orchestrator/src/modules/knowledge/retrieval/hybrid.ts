import { toVectorLiteral } from '../embedding/embedder';
import type { SqlRunner } from '../sql';
import { BM25_CANDIDATES_SQL, type AccessFilter } from './bm25';
import { knnCandidatesSql, tenantSizesSql } from './vector';

export interface HybridQuery {
  tenantId: string;
  query: string;
  access: AccessFilter;
  /** Candidates per lane before fusion. */
  limit: number;
  topK: number;
  /** The query's embedding; null when it has none (e.g. no known token), which leaves the vector lane empty. */
  vector: Float32Array | null;
  dimensions: number;
  /** Identity of the embedder that made `vector`: stored vectors of another model are never compared with it. */
  embedder: string;
  vectorWeight: number;
}

export interface HybridHit {
  chunkId: string;
  /** Fused score, 0..1. */
  score: number;
  documentId: string;
  title: string;
  url: string | null;
  headingPath: string[];
  content: string;
}

export interface HybridResult {
  hits: HybridHit[];
  /** The tenant's vectors come from another embedder (a re-embed is due); the vector lane was skipped. */
  stale: boolean;
  /** Sizes the next search's kNN plan choice uses (vector.ts `forcesHnsw`). */
  tenantChunks: number;
  tableRows: number;
}

interface Row {
  stored: string | null;
  tenant_chunks: number;
  table_rows: number;
  chunk_id: string | null;
  score: number;
  document_id: string | null;
  title: string;
  url: string | null;
  heading_path: string[];
  content: string;
}

/**
 * The whole hybrid search as one statement (one round trip instead of five): both lanes, the embedder check, the
 * fusion and the citation details. The fusion is fusion.ts's convex combination of min-max normalised lane scores
 * written in SQL with the same float8 arithmetic and tie-break (score, then chunk id descending), so it ranks
 * exactly as `convexCombination` does (asserted in hybrid.test.ts). The lane with no candidates gets weight 0.
 * Parameters: $1 query, $2 sees-all, $3 groups, $4 lane limit, $5 tenant, $6 vector, $7 embedder, $8 weight, $9 top k.
 */
function hybridSql(dims: number): string {
  const normalised = (lane: string) =>
    `SELECT chunk_id, CASE WHEN max(score) OVER () > min(score) OVER ()
                           THEN (score - min(score) OVER ()) / (max(score) OVER () - min(score) OVER ()) ELSE 1 END AS s
     FROM ${lane}`;
  const vectorsUsable = `$6::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM knowledge_settings WHERE tenant_id = $5 AND embedder <> $7)`;
  return `WITH setting AS (
       SELECT (SELECT embedder FROM knowledge_settings WHERE tenant_id = $5) AS stored, ${tenantSizesSql('$5')}
     ), lex AS MATERIALIZED (${BM25_CANDIDATES_SQL}
     ), sem AS MATERIALIZED (
       SELECT k.chunk_id, 1 - k.distance AS score FROM (${knnCandidatesSql(dims, '$6', vectorsUsable)}) k
     ), lexn AS (${normalised('lex')}
     ), semn AS (${normalised('sem')}
     ), weight AS (
       SELECT CASE WHEN EXISTS (SELECT 1 FROM sem) THEN $8::float8 ELSE 0::float8 END AS w
     ), fused AS (
       SELECT coalesce(l.chunk_id, v.chunk_id) AS chunk_id, (coalesce(l.s, 0) + weight.w * coalesce(v.s, 0)) / (1 + weight.w) AS score
       FROM lexn l FULL JOIN semn v ON v.chunk_id = l.chunk_id CROSS JOIN weight
       ORDER BY score DESC, chunk_id DESC
       LIMIT $9
     )
     SELECT st.stored, st.tenant_chunks, st.table_rows, f.chunk_id, f.score, x.document_id, x.title, x.url, x.heading_path, x.content
     FROM setting st
     LEFT JOIN fused f ON true
     -- one primary-key probe per hit: LIMIT keeps the planner from flattening this into a join, which on a
     -- mis-estimated fused row count it planned as a scan of every document per hit (SciFact: ~1 s a search)
     LEFT JOIN LATERAL (
       SELECT c.document_id, d.title, d.url, c.heading_path, c.content
       FROM knowledge_chunks c JOIN knowledge_documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
       WHERE c.tenant_id = $5 AND c.id = f.chunk_id
       LIMIT 1
     ) x ON true
     ORDER BY f.score DESC, f.chunk_id DESC`;
}

/** Built once per embedding size: the text is also the key of its prepared statement (platform/db/postgres.ts). */
const hybridSqlBySize = new Map<number, string>();
function hybridSqlFor(dims: number): string {
  let sql = hybridSqlBySize.get(dims);
  if (!sql) hybridSqlBySize.set(dims, (sql = hybridSql(dims)));
  return sql;
}

export async function hybridSearch(tx: SqlRunner, q: HybridQuery): Promise<HybridResult> {
  const { rows } = await tx.query<Row>(hybridSqlFor(q.dimensions), [
    q.query,
    q.access.seesAllGroups,
    q.access.groups,
    q.limit,
    q.tenantId,
    q.vector ? toVectorLiteral(q.vector) : null,
    q.embedder,
    q.vectorWeight,
    q.topK,
  ]);
  const first = rows[0];
  const hits = rows.flatMap((row): HybridHit[] =>
    // no hit at all (the one row carrying the settings), or a chunk deleted since the lanes ran
    row.chunk_id === null || row.document_id === null
      ? []
      : [
          {
            chunkId: row.chunk_id,
            score: Number(row.score),
            documentId: row.document_id,
            title: row.title,
            url: row.url,
            headingPath: row.heading_path,
            content: row.content,
          },
        ],
  );
  return {
    hits,
    stale: first?.stored != null && first.stored !== q.embedder,
    tenantChunks: Number(first?.tenant_chunks ?? 0),
    tableRows: Number(first?.table_rows ?? 0),
  };
}
