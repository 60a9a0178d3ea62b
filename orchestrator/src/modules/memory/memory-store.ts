import type { Queryable } from '../../platform/db';

/** Data access for memories and consent; callers pass the owner, row-level security scopes the tenant. */
export interface MemoryRow {
  id: string;
  owner_ref: string;
  content: string;
  source: 'explicit' | 'proposed' | 'api';
  conversation_id: string | null;
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
}

const COLUMNS = 'id, owner_ref, content, source, conversation_id, created_at, updated_at, expires_at';

export async function consentOf(tx: Queryable, tenantId: string, ownerRef: string): Promise<{ granted: boolean; updated_at: Date } | null> {
  const r = await tx.query<{ granted: boolean; updated_at: Date }>('SELECT granted, updated_at FROM memory_consents WHERE tenant_id = $1 AND owner_ref = $2', [
    tenantId,
    ownerRef,
  ]);
  return r.rows[0] ?? null;
}

export async function upsertConsent(tx: Queryable, tenantId: string, ownerRef: string, granted: boolean): Promise<{ granted: boolean; updated_at: Date }> {
  const r = await tx.query<{ granted: boolean; updated_at: Date }>(
    `INSERT INTO memory_consents (tenant_id, owner_ref, granted) VALUES ($1, $2, $3)
     ON CONFLICT (tenant_id, owner_ref) DO UPDATE SET granted = EXCLUDED.granted, updated_at = now()
     RETURNING granted, updated_at`,
    [tenantId, ownerRef, granted],
  );
  return r.rows[0]!;
}

export async function insertMemory(
  tx: Queryable,
  tenantId: string,
  memory: { ownerRef: string; content: string; source: MemoryRow['source']; conversationId?: string | null; ttlDays: number },
): Promise<MemoryRow> {
  const r = await tx.query<MemoryRow>(
    `INSERT INTO memories (tenant_id, owner_ref, content, source, conversation_id, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6)) RETURNING ${COLUMNS}`,
    [tenantId, memory.ownerRef, memory.content, memory.source, memory.conversationId ?? null, memory.ttlDays],
  );
  return r.rows[0]!;
}

/** Unexpired memories of one owner, newest first. */
export async function activeMemories(tx: Queryable, tenantId: string, ownerRef: string, limit: number): Promise<MemoryRow[]> {
  const r = await tx.query<MemoryRow>(
    `SELECT ${COLUMNS} FROM memories WHERE tenant_id = $1 AND owner_ref = $2 AND expires_at > now() ORDER BY created_at DESC, id DESC LIMIT $3`,
    [tenantId, ownerRef, limit],
  );
  return r.rows;
}

export async function updateMemoryContent(tx: Queryable, tenantId: string, ownerRef: string, id: string, content: string): Promise<MemoryRow | null> {
  const r = await tx.query<MemoryRow>(
    `UPDATE memories SET content = $4, updated_at = now() WHERE tenant_id = $1 AND owner_ref = $2 AND id = $3 AND expires_at > now() RETURNING ${COLUMNS}`,
    [tenantId, ownerRef, id, content],
  );
  return r.rows[0] ?? null;
}

export async function deleteMemoryRow(tx: Queryable, tenantId: string, ownerRef: string, id: string): Promise<boolean> {
  const r = await tx.query('DELETE FROM memories WHERE tenant_id = $1 AND owner_ref = $2 AND id = $3', [tenantId, ownerRef, id]);
  return r.rowCount > 0;
}

export async function deleteAllMemories(tx: Queryable, tenantId: string, ownerRef: string): Promise<number> {
  const r = await tx.query('DELETE FROM memories WHERE tenant_id = $1 AND owner_ref = $2', [tenantId, ownerRef]);
  return r.rowCount;
}

export async function deleteExpiredMemories(tx: Queryable, tenantId: string): Promise<number> {
  const r = await tx.query('DELETE FROM memories WHERE tenant_id = $1 AND expires_at <= now()', [tenantId]);
  return r.rowCount;
}
