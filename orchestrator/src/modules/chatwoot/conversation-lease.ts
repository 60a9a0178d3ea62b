import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../../platform/db';
import { MIRROR_COLUMNS, type MirrorRow } from './mirror-store';

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
  /**
   * Claims the lease in `tx` unless another live holder has it (null); starts the heartbeat. Resolves to the claimed
   * mirror row, so the caller needs no second statement to read the conversation it has just locked.
   */
  claim(tx: Queryable): Promise<MirrorRow | null>;
  /** Releases it in `tx` (the caller's transaction) and stops the heartbeat. */
  releaseIn(tx: Queryable): Promise<void>;
  /**
   * Releases it in `tx` only when no customer message of the conversation is left unhandled (true): the turn's
   * "anything more?" check and the release in one statement. False: more to answer, or the lease was lost.
   */
  releaseIfIdle(tx: Queryable): Promise<boolean>;
  /** Stops the heartbeat without touching the row: the transaction that claimed it did not commit. */
  forget(): void;
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
      const r = await tx.query<MirrorRow>(
        `UPDATE chatwoot_conversations SET lease_token = $4, lease_until = now() + make_interval(secs => $5)
          WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND (lease_until IS NULL OR lease_until < now())
          RETURNING ${MIRROR_COLUMNS}`,
        [...key, LEASE_MS / 1000],
      );
      held = r.rowCount > 0;
      if (held) {
        heartbeat = setInterval(() => void renew().catch(() => undefined), HEARTBEAT_MS);
        heartbeat.unref();
      }
      return r.rows[0] ?? null;
    },
    async releaseIn(tx) {
      clearInterval(heartbeat);
      await tx.query(
        `UPDATE chatwoot_conversations SET lease_token = NULL, lease_until = NULL
          WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND lease_token = $4`,
        [...key],
      );
    },
    async releaseIfIdle(tx) {
      const r = await tx.query(
        `UPDATE chatwoot_conversations SET lease_token = NULL, lease_until = NULL
          WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND lease_token = $4
            AND NOT EXISTS (SELECT 1 FROM chatwoot_messages cm WHERE cm.tenant_id = $1 AND cm.integration_id = $2
                              AND cm.chatwoot_conversation_id = $3 AND cm.author = 'customer' AND NOT cm.handled)`,
        [...key],
      );
      if (r.rowCount > 0) clearInterval(heartbeat);
      return r.rowCount > 0;
    },
    forget() {
      clearInterval(heartbeat);
      held = false;
    },
    async release() {
      clearInterval(heartbeat);
      if (held) await db.withTenant(scope.tenantId, (tx) => lease.releaseIn(tx));
    },
  };
  return lease;
}
