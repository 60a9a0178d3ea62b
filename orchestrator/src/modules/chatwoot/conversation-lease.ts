import { randomUUID } from 'node:crypto';
import type { Db } from '../../platform/db';

/**
 * One bot turn at a time per conversation, across all workers: a lease row in `chatwoot_conversations`,
 * renewed by a heartbeat while the turn runs. A killed worker's lease simply expires (LEASE_MS), so the
 * conversation is picked up again within seconds, not stuck behind a dead process — unlike a lock held in a
 * transaction, it does not pin a database connection for the length of a model call.
 */
export const LEASE_MS = 15_000;
const HEARTBEAT_MS = 5_000;

export interface Lease {
  token: string;
  release(): Promise<void>;
}

export async function acquireLease(db: Db, tenantId: string, integrationId: string, conversationId: number): Promise<Lease | null> {
  const token = randomUUID();
  const r = await db.withTenant(tenantId, (tx) =>
    tx.query(
      `UPDATE chatwoot_conversations SET lease_token = $4, lease_until = now() + make_interval(secs => $5)
        WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND (lease_until IS NULL OR lease_until < now())`,
      [tenantId, integrationId, conversationId, token, LEASE_MS / 1000],
    ),
  );
  if (!r.rowCount) return null;
  const renew = () =>
    db.withTenant(tenantId, (tx) =>
      tx.query(
        `UPDATE chatwoot_conversations SET lease_until = now() + make_interval(secs => $5)
          WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND lease_token = $4`,
        [tenantId, integrationId, conversationId, token, LEASE_MS / 1000],
      ),
    );
  const heartbeat = setInterval(() => void renew().catch(() => undefined), HEARTBEAT_MS);
  heartbeat.unref();
  return {
    token,
    async release() {
      clearInterval(heartbeat);
      await db.withTenant(tenantId, (tx) =>
        tx.query(
          `UPDATE chatwoot_conversations SET lease_token = NULL, lease_until = NULL
            WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND lease_token = $4`,
          [tenantId, integrationId, conversationId, token],
        ),
      );
    },
  };
}
