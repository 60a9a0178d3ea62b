import type { Db } from '../../platform/db';
import { rowHash, type ChainedRow } from './hash-chain';
import { chainAnchor } from './record-audit';

export interface ChainVerification {
  tenantId: string;
  ok: boolean;
  checked: number;
  lastSeq: number;
  /** The first link that does not hold, if any. */
  firstBroken?: { seq: number; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' };
}

const BATCH = 1000;

/** Recomputes a tenant's chain from its anchor, in batches, and reports the first broken link. */
export async function verifyAuditChain(db: Db, tenantId: string): Promise<ChainVerification> {
  let expected = await chainAnchor(db, tenantId);
  let checked = 0;
  for (;;) {
    const batch = await db.withTenant(tenantId, (tx) =>
      tx.query<Omit<ChainedRow, 'occurred_at'> & { hash: string; occurred_at: Date | string }>(
        `SELECT tenant_id, seq, id, occurred_at, actor_type, actor_ref, action, resource_type, resource_id, data, request_id, prev_hash, hash
           FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT ${BATCH}`,
        [tenantId, expected.seq],
      ),
    );
    for (const row of batch.rows) {
      const broken = (reason: NonNullable<ChainVerification['firstBroken']>['reason']): ChainVerification => ({
        tenantId,
        ok: false,
        checked,
        lastSeq: expected.seq,
        firstBroken: { seq: row.seq, reason },
      });
      if (row.seq !== expected.seq + 1) return broken('sequence_gap');
      if (row.prev_hash !== expected.hash) return broken('prev_hash_mismatch');
      const occurredAt = new Date(row.occurred_at as Date | string).toISOString();
      const { hash, ...fields } = row;
      if (rowHash({ ...fields, occurred_at: occurredAt }) !== hash) return broken('hash_mismatch');
      expected = { seq: row.seq, hash };
      checked += 1;
    }
    if (batch.rows.length < BATCH) return { tenantId, ok: true, checked, lastSeq: expected.seq };
  }
}
