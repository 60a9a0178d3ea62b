import { randomUUID } from 'node:crypto';
import type { Queryable, TenantTransactionOptions, Tx } from '../../platform/db';
import type { AuditEvent } from './audit.events';
import { GENESIS_HASH, rowHash, type ChainedRow } from './hash-chain';

const CHAIN_HEAD = 'SELECT seq, hash FROM atrium_audit_chain_head(:tenant)';

/**
 * withTenant options for a transaction that will append audit rows: the tenant's append lock and the chain head come
 * with BEGIN (one round trip less per audited transaction). The lock is then held from the transaction's start, so
 * use it only where an audit row is certain and the transaction short (a chat turn's writes).
 */
export const auditedTransaction: TenantTransactionOptions = { lead: CHAIN_HEAD };

type Head = { seq: number; hash: string };
/**
 * The head each open transaction has appended up to. Valid until the transaction ends because the lock it holds keeps
 * every other writer out (no savepoints are used). Kept only for transaction handles (Tx), never for a pool.
 */
const heads = new WeakMap<Tx, Head>();

/** The chain head if this transaction already holds the lock: undefined (ask), null (locked; chain empty) or the head. */
function knownHead(tx: Queryable): Head | null | undefined {
  if (!('afterCommit' in tx)) return undefined;
  const own = heads.get(tx as Tx);
  if (own) return own;
  const lead = (tx as Tx).lead;
  if (lead?.sql !== CHAIN_HEAD) return undefined;
  const row = lead.rows[0] as Head | undefined;
  return row ? { seq: Number(row.seq), hash: row.hash } : null;
}

/**
 * Appends one event to the tenant's chain inside the caller's transaction (which must be tenant-scoped),
 * so the audit row commits or rolls back with the change it records. A transaction-level advisory lock
 * per tenant (taken by atrium_audit_chain_head) serialises appends, so concurrent writers can never fork the chain.
 */
export async function recordAudit(tx: Queryable, tenantId: string, event: AuditEvent): Promise<{ seq: number; hash: string }> {
  return (await recordAudits(tx, tenantId, [event]))[0]!;
}

/**
 * Appends several events in order with one call for the lock and the chain head, and one INSERT: bulk work (a batch
 * of indexed documents) records an event per item without three round trips each while holding the tenant's lock.
 */
export async function recordAudits(tx: Queryable, tenantId: string, events: AuditEvent[]): Promise<Array<{ seq: number; hash: string }>> {
  if (events.length === 0) return [];
  // the tenant's append lock and, read after it, the chain head: one round trip (migration 0710), or none when this
  // transaction took them with BEGIN (auditedTransaction) or has appended before
  let head = knownHead(tx);
  if (head === undefined) head = (await tx.query<Head>('SELECT seq, hash FROM atrium_audit_chain_head($1)', [tenantId])).rows[0] ?? null;
  const { rows, last } = chainRows(tenantId, head ?? (await chainAnchor(tx, tenantId)), events);
  await tx.query(insertSql(1), [JSON.stringify(rows)]);
  if ('afterCommit' in tx) heads.set(tx as Tx, last);
  return rows.map((row) => ({ seq: row.seq, hash: row.hash }));
}

/** Audit rows ready to be written by a caller's own statement (auditAppend). */
export interface PreparedAudit {
  /** The INSERT, for a data-modifying CTE, reading its rows from parameter number `param`. */
  sql: (param: number) => string;
  params: [string];
  /** Call once the statement that carried the rows succeeded: later appends in the transaction chain after them. */
  appended: () => void;
}

/**
 * The audit rows of `events` made ahead of the statement that writes them, for a transaction that already holds the
 * chain head (auditedTransaction, or an earlier append): the change and its audit rows then cost one round trip.
 * Null when the head is not known without a query; then use recordAudits.
 */
export function auditAppend(tx: Tx, tenantId: string, events: AuditEvent[]): PreparedAudit | null {
  const head = knownHead(tx);
  if (!head || events.length === 0) return null;
  const { rows, last } = chainRows(tenantId, head, events);
  return { sql: insertSql, params: [JSON.stringify(rows)], appended: () => void heads.set(tx, last) };
}

function chainRows(tenantId: string, anchor: Head, events: AuditEvent[]) {
  let last = anchor;
  const rows = events.map((event) => {
    const row: ChainedRow = {
      tenant_id: tenantId,
      seq: last.seq + 1,
      id: randomUUID(),
      occurred_at: new Date().toISOString(),
      actor_type: event.actor.type,
      actor_ref: event.actor.ref,
      action: event.action,
      resource_type: event.resource.type,
      resource_id: event.resource.id ?? null,
      data: JSON.parse(JSON.stringify(event.data ?? {})),
      request_id: event.requestId ?? null,
      prev_hash: last.hash,
    };
    last = { seq: row.seq, hash: rowHash(row) };
    return { ...row, hash: last.hash };
  });
  return { rows, last };
}

const insertSql = (param: number) =>
  `INSERT INTO audit_log (tenant_id, seq, id, occurred_at, actor_type, actor_ref, action, resource_type, resource_id, data, request_id, prev_hash, hash)
   SELECT tenant_id, seq, id, occurred_at, actor_type, actor_ref, action, resource_type, resource_id, coalesce(data, '{}'), request_id, prev_hash, hash
   FROM jsonb_to_recordset($${param}::jsonb) AS r(tenant_id uuid, seq bigint, id uuid, occurred_at timestamptz, actor_type text, actor_ref text,
                                                  action text, resource_type text, resource_id text, data jsonb, request_id text, prev_hash text, hash text)`;

/**
 * Where a chain starts: the genesis hash, or — after retention purged a prefix — the anchor the purge
 * recorded (tenants.settings.auditAnchor), so verification still proves continuity.
 */
export async function chainAnchor(q: Queryable, tenantId: string): Promise<{ seq: number; hash: string }> {
  const r = await q.query<{ anchor: { seq: number; hash: string } | null }>(`SELECT settings->'auditAnchor' AS anchor FROM tenants WHERE id = $1`, [tenantId]);
  return r.rows[0]?.anchor ?? { seq: 0, hash: GENESIS_HASH };
}
