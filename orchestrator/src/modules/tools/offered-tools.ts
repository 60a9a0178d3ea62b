import type { Db } from '../../platform/db';
import { createTenantCache } from '../../platform/tenant-cache';
import type { ToolRow } from './tools.presenter';
import { listTools } from './tool-store';

/**
 * The tenant's enabled tools as a chat turn offers them to the model, cached per process: every turn with tools on
 * lists them, and they change only through the registry's own commands, which forget the entry when they commit
 * (other replicas drop theirs on the tool.* activity event; see platform/tenant-cache.ts). A stale entry can only
 * offer a tool: running one reads the tool again and checks it inside its own transaction.
 */
const offered = createTenantCache<ToolRow[]>({
  changedBy: new Set(['tool.created', 'tool.updated', 'tool.deleted']),
  maxAgeMs: 30_000,
  load: (db, tenantId) => db.withTenant(tenantId, (tx) => listTools(tx, tenantId, { enabledOnly: true }), { readOnly: true }),
});

export const offeredTools = offered.get;

/** Called by the registry's commands after a change commits in this process. */
export function forgetOfferedTools(db: Db, tenantId: string): void {
  offered.forget(db, tenantId);
}
