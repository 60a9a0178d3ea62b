import { randomUUID } from 'node:crypto';
import type { Db, Queryable, StatementPart } from '../../platform/db';
import { claimWork, type Work } from './pending-work';

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
   * mirror row and the work waiting in it, read by the same statement (pending-work.ts).
   */
  claim(tx: Queryable): Promise<Work | null>;
  /** Releases it in `tx` (the caller's transaction) and stops the heartbeat. */
  releaseIn(tx: Queryable): Promise<void>;
  /**
   * The turn's "anything more?" check and the release, as a part of the statement that settles an answer: released
   * only when no customer message of the conversation is left unhandled besides `handling` (the ones that statement
   * marks handled; a statement does not see its own changes). It returns a row when it released the lease; pass
   * whether it did to `settleIdle`. Not released: more to answer, or the lease was lost.
   */
  idleReleasePart(handling: readonly number[]): StatementPart;
  settleIdle(released: boolean): void;
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
      const work = await claimWork(tx, scope, token, LEASE_MS / 1000);
      held = work !== null;
      if (held) {
        heartbeat = setInterval(() => void renew().catch(() => undefined), HEARTBEAT_MS);
        heartbeat.unref();
      }
      return work;
    },
    async releaseIn(tx) {
      clearInterval(heartbeat);
      await tx.query(
        `UPDATE chatwoot_conversations SET lease_token = NULL, lease_until = NULL
          WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND lease_token = $4`,
        [...key],
      );
    },
    idleReleasePart(handling) {
      return {
        sql: (p) =>
          `UPDATE chatwoot_conversations SET lease_token = NULL, lease_until = NULL
            WHERE tenant_id = $${p}::uuid AND integration_id = $${p + 1}::uuid AND chatwoot_conversation_id = $${p + 2}::bigint AND lease_token = $${p + 3}::uuid
              AND NOT EXISTS (SELECT 1 FROM chatwoot_messages cm WHERE cm.tenant_id = $${p} AND cm.integration_id = $${p + 1}
                                AND cm.chatwoot_conversation_id = $${p + 2} AND cm.author = 'customer' AND NOT cm.handled
                                AND cm.chatwoot_message_id <> ALL($${p + 4}::bigint[]))
            RETURNING 1`,
        params: [...key, handling],
      };
    },
    settleIdle(released) {
      if (!released) return;
      clearInterval(heartbeat);
      held = false;
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
