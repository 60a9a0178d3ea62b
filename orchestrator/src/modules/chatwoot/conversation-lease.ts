import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db';

/**
 * One bot turn at a time per conversation, across all workers: a lease row in `chatwoot_conversations`,
 * renewed by a heartbeat while the turn runs. A killed worker's lease simply expires (LEASE_MS), so the
 * conversation is picked up again within seconds, not stuck behind a dead process — unlike a lock held in a
 * transaction, it does not pin a database connection for the length of a model call.
 * Claim and release take the caller's transaction, so a turn claims the lease in the same transaction that loads
 * its work, and releases it in the one that finds none left (fewer round trips per turn; throughput is bound by them).
 */
export const LEASE_MS = 15_000;
const HEARTBEAT_MS = 5_000;

export interface LeaseScope {
  tenantId: string;
  integrationId: string;
  conversationId: number;
}

export interface Lease {
  readonly token: string;
  /** Claims the lease in `tx` (true) unless another live holder has it; starts the heartbeat once the caller commits. */
  claim(tx: Queryable): Promise<boolean>;
  /** Releases it in `tx` (the caller's transaction) and stops the heartbeat. */
  releaseIn(tx: Queryable): Promise<void>;
  /** Releases it in a transaction of its own (after an error; a no-op when the lease was never claimed). */
  release(): Promise<void>;
}

export function newLease(db: Db, scope: LeaseScope): Lease {
  const token = randomUUID();
  const key = [scope.tenantId, scope.integrationId, scope.conversationId, token] as const;
  let heartbeat: NodeJS.Timeout | undefined;
  let held = false;
  const renew = () =>
    db.withTenant(scope.tenantId, (tx) =>
      tx.query(
        `UPDATE chatwoot_conversations SET lease_until = now() + make_interval(secs => $5)
          WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND lease_token = $4`,
        [...key, LEASE_MS / 1000],
      ),
    );
  const lease: Lease = {
    token,
    async claim(tx) {
      const r = await tx.query(
        `UPDATE chatwoot_conversations SET lease_token = $4, lease_until = now() + make_interval(secs => $5)
          WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND (lease_until IS NULL OR lease_until < now())`,
        [...key, LEASE_MS / 1000],
      );
      held = r.rowCount > 0;
      if (held) {
        heartbeat = setInterval(() => void renew().catch(() => undefined), HEARTBEAT_MS);
        heartbeat.unref();
      }
      return held;
    },
    async releaseIn(tx) {
      clearInterval(heartbeat);
      await tx.query(
        `UPDATE chatwoot_conversations SET lease_token = NULL, lease_until = NULL
          WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND lease_token = $4`,
        [...key],
      );
    },
    async release() {
      clearInterval(heartbeat);
      if (held) await db.withTenant(scope.tenantId, (tx) => lease.releaseIn(tx));
    },
  };
  return lease;
}
