import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { AppError, notFound } from '../../platform/errors';
import { activeTenantConfig } from '../tenants';
import { addDocument } from './commands/add-document';
import { createSource } from './commands/create-source';
import { deleteDocument } from './commands/delete-document';
import { deleteSource } from './commands/delete-source';
import { accessFor, searchKnowledge } from './commands/search-knowledge';
import { updateSource } from './commands/update-source';
import { DOCUMENT_COLUMNS, type DocumentRow } from './document-store';
import { detectFormat } from './extraction/extract-text';
import { syncSourceJob } from './jobs/sync-source.job';
import {
  createSourceBody,
  documentSchema,
  idParams,
  listDocumentsQuery,
  pushDocumentBody,
  searchBody,
  searchResponse,
  sourceSchema,
  updateSourceBody,
  uploadFields,
} from './knowledge.schema';
import { presentDocument, presentSource } from './knowledge.presenter';
import { getSource, SOURCE_SELECT, type SourceRow } from './source-store';
import { uploadMiddleware, uploadedFile } from './upload';

const tags = ['knowledge'];
const accepted = z.object({ accepted: z.boolean(), source: sourceSchema });

/** A reader sees documents of their groups; the same rule as search, so listing cannot reveal restricted titles. */
const visibleDocuments = (paramIndex: number) => `($${paramIndex}::boolean OR access_groups = '{}' OR access_groups && $${paramIndex + 1}::text[])`;

export const knowledgeRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/knowledge/sources',
    summary: 'Create a knowledge source (upload, web crawl or api)',
    tags,
    auth: 'tenant',
    permission: 'knowledge:write',
    body: createSourceBody,
    response: sourceSchema,
    status: 201,
    handler: async ({ ctx, body }) => presentSource(ctx, await createSource({ ctx, input: body })),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/knowledge/sources',
    summary: 'List knowledge sources',
    tags,
    auth: 'tenant',
    permission: 'knowledge:read',
    response: z.object({ items: z.array(sourceSchema) }),
    handler: async ({ ctx }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) => tx.query<SourceRow>(`${SOURCE_SELECT} ORDER BY s.created_at`));
      return { items: r.rows.map((row) => presentSource(ctx, row)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/knowledge/sources/:id',
    summary: 'One knowledge source',
    tags,
    auth: 'tenant',
    permission: 'knowledge:read',
    params: idParams,
    response: sourceSchema,
    handler: async ({ ctx, params }) => presentSource(ctx, await ctx.services.db.withTenant(ctx.tenant.id, (tx) => getSource(tx, params.id))),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/knowledge/sources/:id',
    summary: 'Update a source (new groups apply to its documents at once)',
    tags,
    auth: 'tenant',
    permission: 'knowledge:write',
    params: idParams,
    body: updateSourceBody,
    response: sourceSchema,
    handler: async ({ ctx, params, body }) => presentSource(ctx, await updateSource({ ctx, id: params.id, input: body })),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/knowledge/sources/:id',
    summary: 'Delete a source with all its documents',
    tags,
    auth: 'tenant',
    permission: 'knowledge:write',
    params: idParams,
    status: 204,
    handler: async ({ ctx, params }) => {
      await deleteSource({ ctx, id: params.id });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/knowledge/sources/:id/sync',
    summary: 'Crawl a web source again (robots.txt respected)',
    tags,
    auth: 'tenant',
    permission: 'knowledge:write',
    params: idParams,
    response: accepted,
    status: 202,
    handler: async ({ ctx, params }) => {
      const source = await ctx.services.db.withTenant(ctx.tenant.id, (tx) => getSource(tx, params.id));
      if (source.kind !== 'web') throw new AppError('VALIDATION', `Only web sources can be synced; this one is "${source.kind}"`);
      await ctx.services.queue.enqueue(syncSourceJob, { tenantId: ctx.tenant.id, sourceId: source.id });
      return { accepted: true, source: presentSource(ctx, source) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/knowledge/upload',
    summary: 'Upload a file (multipart field "file": txt, md, html, pdf, docx, csv, json)',
    tags,
    auth: 'tenant',
    permission: 'knowledge:write',
    middleware: [uploadMiddleware],
    body: uploadFields,
    response: documentSchema,
    status: 202,
    handler: async ({ ctx, body, req }) => {
      const file = uploadedFile(req);
      const format = detectFormat(file.originalname, file.mimetype);
      if (!format)
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `${file.originalname} (${file.mimetype}) is not supported; upload txt, md, html, pdf, docx, csv or json`);
      const groups = body.groups
        ?.split(',')
        .map((g) => g.trim())
        .filter(Boolean);
      const doc = await addDocument({
        ctx,
        title: body.title ?? file.originalname,
        fileName: file.originalname,
        format,
        body: file.buffer,
        groups,
        sensitivity: body.sensitivity,
        sourceId: body.source_id,
        externalKey: body.source_id ? file.originalname : undefined,
      });
      return presentDocument(ctx, doc);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/knowledge/documents',
    summary: 'Push a document as JSON (n8n, scripts); same external_key replaces it',
    tags,
    auth: 'tenant',
    permission: 'knowledge:write',
    body: pushDocumentBody,
    response: documentSchema,
    status: 202,
    handler: async ({ ctx, body }) => {
      const doc = await addDocument({
        ctx,
        title: body.title,
        fileName: 'document.md',
        format: 'md',
        body: Buffer.from(body.text, 'utf8'),
        url: body.url,
        groups: body.groups,
        sensitivity: body.sensitivity,
        sourceId: body.source_id,
        externalKey: body.external_key,
      });
      return presentDocument(ctx, doc);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/knowledge/documents',
    summary: 'List documents with their indexing status',
    tags,
    auth: 'tenant',
    permission: 'knowledge:read',
    query: listDocumentsQuery,
    response: z.object({ items: z.array(documentSchema) }),
    handler: async ({ ctx, query }) => {
      const access = accessFor(ctx.principal);
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<DocumentRow>(
          `SELECT ${DOCUMENT_COLUMNS} FROM knowledge_documents
           WHERE ${visibleDocuments(1)} AND ($3::uuid IS NULL OR source_id = $3) AND ($4::text IS NULL OR status = $4)
           ORDER BY created_at DESC LIMIT $5`,
          [access.seesAllGroups, access.groups, query.source_id ?? null, query.status ?? null, query.limit],
        ),
      );
      return { items: r.rows.map((row) => presentDocument(ctx, row)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/knowledge/documents/:id',
    summary: 'A document: status, error, chunk count',
    tags,
    auth: 'tenant',
    permission: 'knowledge:read',
    params: idParams,
    response: documentSchema,
    handler: async ({ ctx, params }) => {
      const access = accessFor(ctx.principal);
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM knowledge_documents WHERE id = $3 AND ${visibleDocuments(1)}`, [
          access.seesAllGroups,
          access.groups,
          params.id,
        ]),
      );
      if (!r.rows[0]) throw notFound('Document');
      return presentDocument(ctx, r.rows[0]);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/knowledge/documents/:id',
    summary: 'Delete a document and all its chunks',
    tags,
    auth: 'tenant',
    permission: 'knowledge:write',
    params: idParams,
    status: 204,
    handler: async ({ ctx, params }) => {
      await deleteDocument({ ctx, id: params.id });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/knowledge/search',
    summary: 'Hybrid search (BM25 + vectors) over what the caller may see; returns citations',
    tags,
    auth: 'tenant',
    permission: 'knowledge:read',
    body: searchBody,
    response: searchResponse,
    handler: async ({ ctx, body }) => {
      const { config } = await ctx.services.db.withTenant(ctx.tenant.id, (tx) => activeTenantConfig(tx, ctx.tenant.id));
      const results = await searchKnowledge({
        ctx,
        query: body.query,
        topK: body.top_k ?? config.retrieval.top_k,
        principal: ctx.principal,
        minScore: config.retrieval.min_score,
      });
      return { results: results.map(({ content: _content, ...citation }) => citation) };
    },
  }),
];
