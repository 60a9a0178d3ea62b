import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db';
import type { AuditEvent } from './audit.events';
import { GENESIS_HASH, rowHash, type ChainedRow } from './hash-chain';

/**
 * Appends one event to the tenant's chain inside the caller's transaction (which must be tenant-scoped),
 * so the audit row commits or rolls back with the change it records. A transaction-level advisory lock
 * per tenant serialises appends, so concurrent writers can never fork the chain.
 */
export async function recordAudit(tx: Queryable, tenantId: string, event: AuditEvent): Promise<{ seq: number; hash: string }> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('atrium_audit:' || $1, 0))`, [tenantId]);
  const last = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1', [tenantId]);
  const anchor = last.rows[0] ?? (await chainAnchor(tx, tenantId));
  const row: ChainedRow = {
    tenant_id: tenantId,
    seq: anchor.seq + 1,
    id: randomUUID(),
    occurred_at: new Date().toISOString(),
    actor_type: event.actor.type,
    actor_ref: event.actor.ref,
    action: event.action,
    resource_type: event.resource.type,
    resource_id: event.resource.id ?? null,
    data: JSON.parse(JSON.stringify(event.data ?? {})),
    request_id: event.requestId ?? null,
    prev_hash: anchor.hash,
  };
  const hash = rowHash(row);
  await tx.query(
    `INSERT INTO audit_log (tenant_id, seq, id, occurred_at, actor_type, actor_ref, action, resource_type, resource_id, data, request_id, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      row.tenant_id,
      row.seq,
      row.id,
      row.occurred_at,
      row.actor_type,
      row.actor_ref,
      row.action,
      row.resource_type,
      row.resource_id,
      JSON.stringify(row.data),
      row.request_id,
      row.prev_hash,
      hash,
    ],
  );
  return { seq: row.seq, hash };
}

/**
 * Where a chain starts: the genesis hash, or — after retention purged a prefix — the anchor the purge
 * recorded (tenants.settings.auditAnchor), so verification still proves continuity.
 */
export async function chainAnchor(q: Queryable, tenantId: string): Promise<{ seq: number; hash: string }> {
  const r = await q.query<{ anchor: { seq: number; hash: string } | null }>(`SELECT settings->'auditAnchor' AS anchor FROM tenants WHERE id = $1`, [tenantId]);
  return r.rows[0]?.anchor ?? { seq: 0, hash: GENESIS_HASH };
}
