import { z } from 'zod';
import { ABILITIES_DESCRIPTION } from '../../platform/http/abilities';

/** Request, response and job schemas of the knowledge API (OpenAPI is generated from these). */
const groupName = z.string().trim().min(1).max(200);
export const accessGroups = z
  .array(groupName)
  .max(100)
  .default([])
  .describe('Only members of one of these groups may retrieve it; empty = everyone in the tenant');
export const sensitivity = z.enum(['public', 'internal', 'confidential', 'restricted']).default('internal');
export const documentStatus = z.enum(['uploaded', 'extracting', 'chunking', 'embedding', 'indexed', 'failed']);

const httpUrl = z
  .string()
  .url()
  .max(2000)
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

export const idParams = z.object({ id: z.string().uuid() });

export const pushDocumentBody = z.strictObject({
  title: z.string().trim().min(1).max(500),
  text: z.string().max(5_000_000),
  url: httpUrl.optional(),
  groups: accessGroups,
  sensitivity: sensitivity.optional(),
  source_id: z.string().uuid().optional(),
  external_key: z.string().min(1).max(500).optional().describe('Your id for this document; pushing the same key again replaces it'),
});

export const uploadFields = z.object({
  title: z.string().trim().min(1).max(500).optional(),
  groups: z.string().max(5000).optional().describe('Comma-separated access groups'),
  source_id: z.string().uuid().optional(),
  sensitivity: sensitivity.optional(),
});

export const documentSchema = z.object({
  id: z.string(),
  source_id: z.string().nullable(),
  title: z.string(),
  url: z.string().nullable(),
  mime_type: z.string().nullable(),
  byte_size: z.number().nullable(),
  content_hash: z.string().nullable(),
  sensitivity: z.string(),
  groups: z.array(z.string()),
  status: documentStatus,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  chunk_count: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  indexed_at: z.string().nullable(),
  abilities: z.array(z.enum(['delete'])).describe(ABILITIES_DESCRIPTION),
});

export const listDocumentsQuery = z.object({
  source_id: z.string().uuid().optional(),
  status: documentStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const webConfig = z.strictObject({
  url: httpUrl.describe('A page, or a sitemap.xml whose pages are all fetched'),
  max_pages: z.number().int().min(1).max(1000).default(50),
});

export const createSourceBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('web'),
    name: z.string().trim().min(1).max(200),
    config: webConfig,
    groups: accessGroups,
    sensitivity: sensitivity.optional(),
  }),
  z.strictObject({ kind: z.literal('upload'), name: z.string().trim().min(1).max(200), groups: accessGroups, sensitivity: sensitivity.optional() }),
  z.strictObject({ kind: z.literal('api'), name: z.string().trim().min(1).max(200), groups: accessGroups, sensitivity: sensitivity.optional() }),
]);
export type CreateSourceInput = z.infer<typeof createSourceBody>;

export const updateSourceBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  config: webConfig.optional(),
  groups: z.array(groupName).max(100).optional(),
  sensitivity: sensitivity.optional(),
});

export const sourceSchema = z.object({
  id: z.string(),
  kind: z.enum(['upload', 'web', 'api']),
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
  groups: z.array(z.string()),
  sensitivity: z.string(),
  sync_status: z.enum(['idle', 'syncing', 'failed']),
  sync_error: z.string().nullable(),
  last_synced_at: z.string().nullable(),
  document_count: z.number(),
  created_at: z.string(),
  abilities: z.array(z.enum(['update', 'delete', 'sync'])).describe(ABILITIES_DESCRIPTION),
});

export const searchBody = z.strictObject({
  query: z.string().trim().min(1).max(2000),
  top_k: z.number().int().min(1).max(50).optional(),
});

/** The citation object: the same shape chat answers carry. */
export const citationSchema = z.object({
  document_id: z.string(),
  chunk_id: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  heading_path: z.array(z.string()),
  snippet: z.string(),
  score: z.number(),
});
export type Citation = z.infer<typeof citationSchema>;

export const searchResponse = z.object({ results: z.array(citationSchema) });

export const indexDocumentPayload = z.object({ tenantId: z.string().uuid(), documentIds: z.array(z.string().uuid()).min(1).max(100) });
export const syncSourcePayload = z.object({ tenantId: z.string().uuid(), sourceId: z.string().uuid() });
export const reembedTenantPayload = z.object({ tenantId: z.string().uuid() });
