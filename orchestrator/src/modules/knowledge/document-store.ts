import type { Queryable } from '../../platform/db';
import { notFound } from '../../platform/errors';

/** Row shape of knowledge_documents as read by commands and the presenter. */
export interface DocumentRow {
  id: string;
  tenant_id: string;
  source_id: string | null;
  external_key: string | null;
  title: string;
  url: string | null;
  mime_type: string | null;
  byte_size: number | null;
  content_hash: string | null;
  sensitivity: string;
  access_groups: string[];
  status: DocumentStatus;
  error_code: string | null;
  error: string | null;
  chunk_count: number;
  embedder: string | null;
  created_at: Date;
  updated_at: Date;
  indexed_at: Date | null;
}

export type DocumentStatus = 'uploaded' | 'extracting' | 'chunking' | 'embedding' | 'indexed' | 'failed';

export const DOCUMENT_COLUMNS = `id, tenant_id, source_id, external_key, title, url, mime_type, byte_size, content_hash, sensitivity,
  access_groups, status, error_code, error, chunk_count, embedder, created_at, updated_at, indexed_at`;

export async function findDocument(tx: Queryable, id: string): Promise<DocumentRow | null> {
  const r = await tx.query<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM knowledge_documents WHERE id = $1`, [id]);
  return r.rows[0] ?? null;
}

export async function getDocument(tx: Queryable, id: string): Promise<DocumentRow> {
  const row = await findDocument(tx, id);
  if (!row) throw notFound('Document');
  return row;
}

/** Pipeline progress: each step commits on its own so GET /documents/:id shows where a document is. */
export async function setDocumentStatus(tx: Queryable, id: string, status: DocumentStatus): Promise<void> {
  await tx.query(`UPDATE knowledge_documents SET status = $2, error_code = NULL, error = NULL, updated_at = now() WHERE id = $1`, [id, status]);
}

/** A failed document keeps no chunks: it is either fully indexed or not searchable at all. */
export async function markDocumentFailed(tx: Queryable, id: string, code: string, message: string): Promise<void> {
  await tx.query('DELETE FROM knowledge_chunks WHERE document_id = $1', [id]);
  await tx.query('DELETE FROM knowledge_document_blobs WHERE document_id = $1', [id]);
  await tx.query(
    `UPDATE knowledge_documents SET status = 'failed', error_code = $2, error = $3, chunk_count = 0, embedder = NULL, updated_at = now() WHERE id = $1`,
    [id, code, message.slice(0, 2000)],
  );
}
