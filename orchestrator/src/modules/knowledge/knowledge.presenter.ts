import type { z } from 'zod';
import { grantedAbilities } from '../../platform/http/abilities';
import type { TenantContext } from '../../platform/http/context';
import type { DocumentRow } from './document-store';
import type { documentSchema, sourceSchema } from './knowledge.schema';
import type { SourceRow } from './source-store';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** Each ability is guarded by the permission of its route (knowledge.routes.ts). */
const DOCUMENT_GUARDS = { delete: 'knowledge:write' } as const;
const SOURCE_GUARDS = { update: 'knowledge:write', delete: 'knowledge:write', sync: 'knowledge:write' } as const;

/** Allowlists what a client sees of a document: no tenant id, no embedder internals. */
export function presentDocument(ctx: TenantContext, row: DocumentRow): z.infer<typeof documentSchema> {
  return {
    id: row.id,
    source_id: row.source_id,
    title: row.title,
    url: row.url,
    mime_type: row.mime_type,
    byte_size: row.byte_size,
    content_hash: row.content_hash,
    sensitivity: row.sensitivity,
    groups: row.access_groups,
    status: row.status,
    error: row.status === 'failed' ? { code: row.error_code ?? 'INDEXING_FAILED', message: row.error ?? 'Indexing failed' } : null,
    chunk_count: row.chunk_count,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    indexed_at: iso(row.indexed_at),
    abilities: grantedAbilities(ctx, DOCUMENT_GUARDS),
  };
}

/** Only a web source can be crawled again (the sync route refuses others), so only it offers `sync`. */
export function presentSource(ctx: TenantContext, row: SourceRow): z.infer<typeof sourceSchema> {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    config: row.config,
    groups: row.access_groups,
    sensitivity: row.sensitivity,
    sync_status: row.sync_status,
    sync_error: row.sync_error,
    last_synced_at: iso(row.last_synced_at),
    document_count: row.document_count,
    created_at: iso(row.created_at)!,
    abilities: grantedAbilities(ctx, SOURCE_GUARDS).filter((a) => a !== 'sync' || row.kind === 'web'),
  };
}
