import type { Chunk } from '../chunking/chunker';
import { toVectorLiteral } from '../embedding/embedder';
import { TEXT_SEARCH_CONFIG, type SqlRunner } from '../sql';

export interface DocumentChunks {
  documentId: string;
  title: string;
  accessGroups: string[];
  chunks: Chunk[];
  /** One vector per chunk, same order; all of the batch's `dimensions` length. */
  embeddings: Float32Array[];
}

/**
 * The text a chunk is indexed under: document title and heading path prepended to the body, so a chunk
 * deep in a section still matches the words that name its topic (BEIR scores SciFact on title + text).
 */
export function indexedText(title: string, chunk: Pick<Chunk, 'headingPath' | 'content'>): string {
  return [title, ...chunk.headingPath, chunk.content].filter((part) => part.trim() !== '').join('\n');
}

/**
 * Replaces all chunks of a batch of documents, with their BM25 postings and embeddings, in two statements
 * inside the caller's transaction: for each document either the whole new version is visible or the old
 * one is. One statement for many documents is what makes bulk ingest fast: planning, triggers and round
 * trips are paid once per batch. Postings come from PostgreSQL's own `to_tsvector`, so the query side
 * (`bm25.ts`) tokenises the same way by construction; corpus statistics follow through the triggers.
 */
export async function replaceChunks(tx: SqlRunner, tenantId: string, documents: DocumentChunks[], dimensions: number): Promise<void> {
  for (const doc of documents) {
    if (doc.embeddings.length !== doc.chunks.length) {
      throw new Error(`replaceChunks: document ${doc.documentId} has ${doc.chunks.length} chunks but ${doc.embeddings.length} embeddings`);
    }
  }
  await tx.query('DELETE FROM knowledge_chunks WHERE tenant_id = $1 AND document_id = ANY($2::uuid[])', [tenantId, documents.map((d) => d.documentId)]);
  const rows = documents.flatMap((doc) =>
    doc.chunks.map((chunk, i) => ({
      document_id: doc.documentId,
      ordinal: chunk.ordinal,
      heading_path: chunk.headingPath,
      char_start: chunk.charStart,
      char_end: chunk.charEnd,
      content: chunk.content,
      indexed: indexedText(doc.title, chunk),
      token_count: chunk.tokenCount,
      access_groups: doc.accessGroups,
      embedding: toVectorLiteral(doc.embeddings[i]!),
    })),
  );
  if (rows.length === 0) return;

  await tx.query(
    `WITH input AS (
       SELECT r.*, to_tsvector('${TEXT_SEARCH_CONFIG}', r.indexed) AS tsv,
              ARRAY(SELECT jsonb_array_elements_text(r.access_groups)) AS groups
       FROM jsonb_to_recordset($2::jsonb) AS r(document_id uuid, ordinal int, heading_path jsonb, char_start int, char_end int,
                                               content text, indexed text, token_count int, access_groups jsonb, embedding text)
     ), inserted AS (
       INSERT INTO knowledge_chunks (tenant_id, document_id, ordinal, heading_path, char_start, char_end, content,
                                     token_count, term_count, access_groups, embedding, embedding_dims)
       SELECT $1, i.document_id, i.ordinal, ARRAY(SELECT jsonb_array_elements_text(i.heading_path)), i.char_start, i.char_end,
              i.content, i.token_count,
              (SELECT coalesce(sum(array_length(t.positions, 1)), 0) FROM unnest(i.tsv) t),
              i.groups, i.embedding::vector, $3::int
       FROM input i
       RETURNING id, document_id, ordinal, term_count, access_groups
     )
     INSERT INTO knowledge_postings (tenant_id, term, chunk_id, tf, doc_len, access_groups)
     SELECT $1, t.lexeme, c.id, array_length(t.positions, 1), c.term_count, nullif(c.access_groups, '{}')
     FROM inserted c JOIN input i ON i.document_id = c.document_id AND i.ordinal = c.ordinal, unnest(i.tsv) t`,
    [tenantId, JSON.stringify(rows), dimensions],
  );
}
