import type { Tx } from '../../../platform/db';
import { AppError, notFound } from '../../../platform/errors';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { DOCUMENT_COLUMNS, type DocumentRow } from '../document-store';
import { SUPPORTED_TYPES, type DocumentFormat } from '../extraction/extract-text';
import { indexDocumentJob } from '../jobs/index-document.job';

export type KnowledgeContext = Pick<TenantContext, 'services' | 'tenant' | 'principal' | 'requestId'>;

export interface NewDocument {
  title: string;
  fileName: string;
  format: DocumentFormat;
  body: Buffer;
  url?: string;
  /** undefined = inherit the source's groups */
  groups?: string[];
  sensitivity?: string;
  sourceId?: string;
  /** Identity inside the source; re-adding the same key replaces that document instead of duplicating it. */
  externalKey?: string;
}

export interface AddDocumentInput extends NewDocument {
  ctx: KnowledgeContext;
}

/** Documents per indexing job: large enough to amortise a transaction, small enough to retry cheaply. */
export const DOCUMENTS_PER_JOB = 32;

export async function addDocument({ ctx, ...document }: AddDocumentInput): Promise<DocumentRow> {
  return (await addDocuments(ctx, [document]))[0]!;
}

/**
 * Records documents (new, or new versions of existing ones) with their raw bytes in one transaction,
 * then queues the indexing pipeline after commit. The request returns at once with status "uploaded";
 * progress is read from GET /v1/knowledge/documents/:id. Old chunks stay searchable until the new
 * version is indexed. Bulk callers (CLI, crawler, benchmarks) pass many documents to share the work.
 */
export async function addDocuments(ctx: KnowledgeContext, documents: NewDocument[]): Promise<DocumentRow[]> {
  const { services, tenant } = ctx;
  for (const input of documents) {
    if (input.body.length > services.config.UPLOAD_LIMIT_BYTES) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `${input.fileName} is ${input.body.length} bytes; the limit is ${services.config.UPLOAD_LIMIT_BYTES} bytes (UPLOAD_LIMIT_BYTES)`,
      );
    }
  }
  return services.db.withTenant(tenant.id, async (tx) => {
    const rows: DocumentRow[] = [];
    for (const input of documents) rows.push(await upsertDocument(tx, ctx, input));
    tx.afterCommit(async () => {
      for (let i = 0; i < rows.length; i += DOCUMENTS_PER_JOB) {
        await services.queue.enqueue(indexDocumentJob, { tenantId: tenant.id, documentIds: rows.slice(i, i + DOCUMENTS_PER_JOB).map((r) => r.id) });
      }
    });
    return rows;
  });
}

async function upsertDocument(tx: Tx, ctx: KnowledgeContext, input: NewDocument): Promise<DocumentRow> {
  const { tenant } = ctx;
  let groups = input.groups;
  let sensitivity = input.sensitivity;
  if (input.sourceId) {
    const source = await tx.query<{ access_groups: string[]; sensitivity: string }>('SELECT access_groups, sensitivity FROM knowledge_sources WHERE id = $1', [
      input.sourceId,
    ]);
    if (!source.rows[0]) throw notFound('Knowledge source');
    groups ??= source.rows[0].access_groups;
    sensitivity ??= source.rows[0].sensitivity;
  }
  const values = [
    tenant.id,
    input.sourceId ?? null,
    input.externalKey ?? null,
    input.title,
    input.url ?? null,
    SUPPORTED_TYPES[input.format],
    input.body.length,
    sensitivity ?? 'internal',
    [...new Set(groups ?? [])].sort(),
  ];
  const existing = input.externalKey
    ? await tx.query<{ id: string }>('SELECT id FROM knowledge_documents WHERE source_id IS NOT DISTINCT FROM $1 AND external_key = $2 FOR UPDATE', [
        input.sourceId ?? null,
        input.externalKey,
      ])
    : { rows: [] };
  const documentId = existing.rows[0]?.id;
  const r = documentId
    ? await tx.query<DocumentRow>(
        `UPDATE knowledge_documents SET title = $4, url = $5, mime_type = $6, byte_size = $7, sensitivity = $8, access_groups = $9,
           status = 'uploaded', error_code = NULL, error = NULL, updated_at = now()
         WHERE id = $10 AND tenant_id = $1 AND source_id IS NOT DISTINCT FROM $2 AND external_key = $3 RETURNING ${DOCUMENT_COLUMNS}`,
        [...values, documentId],
      )
    : await tx.query<DocumentRow>(
        `INSERT INTO knowledge_documents (tenant_id, source_id, external_key, title, url, mime_type, byte_size, sensitivity, access_groups)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${DOCUMENT_COLUMNS}`,
        values,
      );
  const row = r.rows[0]!;
  await tx.query(
    `INSERT INTO knowledge_document_blobs (tenant_id, document_id, file_name, body) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, document_id) DO UPDATE SET file_name = excluded.file_name, body = excluded.body`,
    [tenant.id, row.id, input.fileName, input.body],
  );
  await recordAudit(tx, tenant.id, {
    action: 'knowledge.document.created',
    actor: actorOf(ctx.principal),
    resource: { type: 'knowledge_document', id: row.id },
    data: { source_id: row.source_id, format: input.format, bytes: input.body.length, replaced: Boolean(documentId) },
    requestId: ctx.requestId,
  });
  return row;
}
