import { createHash } from 'node:crypto';
import type { Tx } from '../../../platform/db';
import { AppError, isAppError } from '../../../platform/errors';
import type { Services } from '../../../platform/services';
import { recordAudits, systemActor } from '../../audit';
import { recordActivity } from '../../activity';
import { activeTenantConfig } from '../../tenants';
import { chunkText, type Chunk } from '../chunking/chunker';
import { markDocumentFailed, DOCUMENT_COLUMNS, type DocumentRow } from '../document-store';
import { embedderFor } from '../embedding/create-embedder';
import { embedderIdentity } from '../embedding/embedder';
import { detectFormat, extractText } from '../extraction/extract-text';
import { indexedText, replaceChunks } from '../indexing/write-chunks';
import { ensureIndexIdentity } from '../index-identity';
import { indexStageSeconds, stepClock } from '../knowledge.metrics';

export type IndexOutcome = 'indexed' | 'unchanged' | 'failed' | 'gone';

/** Failures that a retry cannot fix: the document itself is the problem. */
const PERMANENT = new Set(['EXTRACTION_FAILED', 'EMPTY_DOCUMENT', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'UPSTREAM_BAD_RESPONSE']);

/**
 * Progress is committed for the steps a user could wait on; a small document goes from "extracting" to
 * "indexed" in milliseconds, and committing every intermediate state would triple its database work.
 */
const SLOW_STEP_CHARS = 50_000;
const SLOW_STEP_CHUNKS = 16;

export const contentHash = (title: string, text: string) => createHash('sha256').update(title).update('\n').update(text).digest('hex');

interface Attempt {
  attempt: number;
  maxAttempts: number;
}

interface Prepared {
  doc: DocumentRow;
  hash: string;
  chunks: Chunk[];
}

type Failure = { code: string; message: string };

const failureOf = (error: unknown): Failure => ({
  code: isAppError(error) ? String(error.code) : 'INDEXING_FAILED',
  message: isAppError(error) ? error.message : `Indexing failed unexpectedly: ${(error as Error).message}`,
});

/**
 * The indexing pipeline for a batch of documents: extracting → chunking → embedding → indexed, or failed
 * with a message. The final write replaces every document's chunks in one transaction, so search sees
 * either the old version of a document or the new one, never a mix. A document whose title and text are
 * unchanged (same content hash, same embedder) does no chunking or embedding work at all.
 */
export async function indexDocuments(services: Services, tenantId: string, documentIds: string[], attempt: Attempt): Promise<Map<string, IndexOutcome>> {
  const { db } = services;
  const outcomes = new Map<string, IndexOutcome>(documentIds.map((id) => [id, 'gone']));
  const clock = stepClock();
  const loaded = await db.withTenant(tenantId, async (tx) => {
    // only documents with pending bytes: the rest were deleted or an older job already indexed them
    const docs = await tx.query<DocumentRow & { file_name: string; body: Buffer; blob_version: string }>(
      `SELECT d.*, b.file_name, b.body, b.xmin::text AS blob_version
       FROM (SELECT ${DOCUMENT_COLUMNS} FROM knowledge_documents WHERE id = ANY($1::uuid[])) d
       JOIN knowledge_document_blobs b ON b.document_id = d.id`,
      [documentIds],
    );
    await tx.query(`UPDATE knowledge_documents SET status = 'extracting', error_code = NULL, error = NULL, updated_at = now() WHERE id = ANY($1::uuid[])`, [
      docs.rows.map((d) => d.id),
    ]);
    return { docs: docs.rows, config: (await activeTenantConfig(tx, tenantId)).config };
  });
  clock.lap('load');
  const { embedder } = embedderFor(services.config);
  const identity = embedderIdentity(embedder);
  const failures = new Map<string, Failure>();
  const unchanged: DocumentRow[] = [];
  const prepared: Prepared[] = [];

  const fail = (doc: DocumentRow, error: unknown) => {
    const failure = failureOf(error);
    if (!PERMANENT.has(failure.code) && attempt.attempt < attempt.maxAttempts) throw error; // the queue retries the batch
    failures.set(doc.id, failure);
  };

  const blobVersion = new Map(loaded.docs.map((d) => [d.id, d.blob_version]));
  for (const { file_name: fileName, body, blob_version: _version, ...doc } of loaded.docs) {
    try {
      const format = detectFormat(fileName, doc.mime_type ?? undefined);
      if (!format) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `${fileName} is not a supported file type`);
      const text = (await extractText(Buffer.from(body), format)).text.replace(/\r\n?/g, '\n');
      clock.lap('extract');
      if (text.trim() === '') {
        throw new AppError(
          'EMPTY_DOCUMENT',
          format === 'pdf'
            ? 'No text was found in this PDF; if it is a scan, run OCR on it first and upload it again'
            : 'The document contains no text to index',
          { status: 422 },
        );
      }
      const hash = contentHash(doc.title, text);
      if (hash === doc.content_hash && doc.embedder === identity && doc.chunk_count > 0) {
        unchanged.push(doc);
        continue;
      }
      if (text.length > SLOW_STEP_CHARS) await db.withTenant(tenantId, (tx) => setStatus(tx, [doc.id], 'chunking'));
      const retrieval = loaded.config.retrieval;
      const chunks = chunkText(text, {
        maxTokens: retrieval.chunk_tokens,
        overlapTokens: Math.min(retrieval.chunk_overlap_tokens, retrieval.chunk_tokens - 1),
      });
      if (chunks.length === 0) throw new AppError('EMPTY_DOCUMENT', 'The document contains no text to index', { status: 422 });
      prepared.push({ doc, hash, chunks });
    } catch (error) {
      fail(doc, error);
    }
    clock.lap('chunk');
  }

  let vectors: Float32Array[] = [];
  const allChunks = prepared.flatMap((p) => p.chunks.map((chunk) => indexedText(p.doc.title, chunk)));
  if (allChunks.length > SLOW_STEP_CHUNKS)
    await db.withTenant(tenantId, (tx) =>
      setStatus(
        tx,
        prepared.map((p) => p.doc.id),
        'embedding',
      ),
    );
  try {
    vectors = allChunks.length > 0 ? await embedder.embed(allChunks, 'document') : [];
  } catch (error) {
    for (const p of prepared) fail(p.doc, error);
    prepared.length = 0;
  }
  clock.lap('embed');

  await db.withTenant(tenantId, async (tx) => {
    // a document counts only if it still exists and nobody uploaded a newer version while we worked
    // (the blob row's xmin changes on every upload); a newer version has its own job queued
    const current = await tx.query<{ id: string; title: string; access_groups: string[]; blob_version: string | null }>(
      `SELECT d.id, d.title, d.access_groups, b.xmin::text AS blob_version
       FROM knowledge_documents d LEFT JOIN knowledge_document_blobs b ON b.document_id = d.id WHERE d.id = ANY($1::uuid[]) FOR UPDATE OF d`,
      [documentIds],
    );
    const present = new Map(current.rows.filter((r) => r.blob_version === blobVersion.get(r.id)).map((r) => [r.id, r]));
    for (const doc of unchanged.filter((d) => present.has(d.id))) {
      await carryGroups(tx, doc.id, present.get(doc.id)!.access_groups);
      outcomes.set(doc.id, 'unchanged');
    }
    await setStatus(
      tx,
      unchanged.filter((d) => present.has(d.id)).map((d) => d.id),
      'indexed',
    );
    let offset = 0;
    const writes = prepared.flatMap((p) => {
      const embeddings = vectors.slice(offset, (offset += p.chunks.length));
      const row = present.get(p.doc.id);
      return row ? [{ ...p, documentId: p.doc.id, title: row.title, accessGroups: row.access_groups, embeddings }] : [];
    });
    if (writes.length > 0) await ensureIndexIdentity(tx, tenantId, embedder);
    await replaceChunks(tx, tenantId, writes, embedder.dimensions);
    await tx.query(
      `UPDATE knowledge_documents d SET status = 'indexed', content_hash = w.hash, chunk_count = w.chunks, embedder = $2, error_code = NULL, error = NULL,
         indexed_at = now(), updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS w(id uuid, hash text, chunks int) WHERE d.id = w.id`,
      [JSON.stringify(writes.map((w) => ({ id: w.documentId, hash: w.hash, chunks: w.chunks.length }))), identity],
    );
    await tx.query('DELETE FROM knowledge_document_blobs WHERE document_id = ANY($1::uuid[])', [
      [...unchanged.filter((d) => present.has(d.id)).map((d) => d.id), ...writes.map((w) => w.documentId)],
    ]);
    for (const w of writes) outcomes.set(w.documentId, 'indexed');
    const failed = [...failures].filter(([id]) => present.has(id));
    for (const [id, failure] of failed) {
      await markDocumentFailed(tx, id, failure.code, failure.message);
      outcomes.set(id, 'failed');
    }
    // one audit row per document, appended in one statement (not three round trips each under the tenant's audit lock)
    await recordAudits(tx, tenantId, [
      ...writes.map((w) => ({
        action: 'knowledge.document.indexed' as const,
        actor: systemActor('knowledge.index'),
        resource: { type: 'knowledge_document', id: w.documentId },
        data: { chunks: w.chunks.length, embedder: identity },
      })),
      ...failed.map(([id, failure]) => ({
        action: 'knowledge.document.failed' as const,
        actor: systemActor('knowledge.index'),
        resource: { type: 'knowledge_document', id },
        data: { code: failure.code },
      })),
    ]);
    if (writes.length > 0 || failures.size > 0) {
      await recordActivity(tx, services.bus, tenantId, {
        type: 'knowledge.documents.indexed',
        resourceType: 'knowledge_document',
        resourceId: writes.length + failures.size === 1 ? (writes[0]?.documentId ?? [...failures.keys()][0]) : null,
        summary: `${writes.length} document(s) indexed (${writes.reduce((n, w) => n + w.chunks.length, 0)} chunks)${failures.size ? `, ${failures.size} failed` : ''}`,
      });
    }
  });
  clock.lap('write');
  clock.record(indexStageSeconds, 'stage');
  if (failures.size > 0) services.log.warn({ tenantId, failed: [...failures].map(([id, f]) => ({ id, code: f.code })) }, 'knowledge documents failed to index');
  return outcomes;
}

async function setStatus(tx: Tx, ids: string[], status: 'chunking' | 'embedding' | 'indexed'): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(`UPDATE knowledge_documents SET status = $2, updated_at = now() WHERE id = ANY($1::uuid[])`, [ids, status]);
}

/** Unchanged content, maybe new groups: carry the document's groups to its chunks and postings. */
async function carryGroups(tx: Tx, documentId: string, groups: string[]): Promise<void> {
  await tx.query('UPDATE knowledge_chunks SET access_groups = $2 WHERE document_id = $1 AND access_groups IS DISTINCT FROM $2', [documentId, groups]);
  await tx.query(
    `UPDATE knowledge_postings p SET access_groups = nullif($2::text[], '{}') FROM knowledge_chunks c
     WHERE c.id = p.chunk_id AND c.document_id = $1 AND p.access_groups IS DISTINCT FROM nullif($2::text[], '{}')`,
    [documentId, groups],
  );
}
