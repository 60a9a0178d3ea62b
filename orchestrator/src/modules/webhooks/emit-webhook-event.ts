import { randomUUID } from 'node:crypto';
import type { Queryable, StatementPart } from '../../platform/db';
import type { WebhookEventType } from './webhooks.schema';

/**
 * Queues `type` for every endpoint of the tenant subscribed to it, in the caller's transaction (an outbox):
 * the event exists exactly when the change that caused it committed, and a crash cannot lose it. The dispatch
 * job delivers it. `data` must already be an allowlisted, presenter-shaped object.
 * The body follows the Standard Webhooks convention: { type, timestamp, data }.
 */
export async function emitWebhookEvent(tx: Queryable, tenantId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<number> {
  const part = webhookOutboxPart(tenantId, type, data);
  return (await tx.query(part.sql(1), part.params)).rowCount;
}

/**
 * The same outbox insert as a StatementPart, for a hot path that folds it into a statement of its own as a
 * data-modifying CTE (the change and its event in one round trip).
 */
export function webhookOutboxPart(tenantId: string, type: WebhookEventType, data: Record<string, unknown>): StatementPart {
  // the Standard Webhooks id: the same for every endpoint and every retry
  const messageId = `msg_${randomUUID().replace(/-/g, '')}`;
  const payload = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  return {
    sql: (n) => `INSERT INTO outbound_webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload)
       SELECT $${n}::uuid, id, $${n + 2}::text, $${n + 1}::text, $${n + 3}::jsonb FROM webhook_endpoints
       WHERE tenant_id = $${n}::uuid AND enabled AND ($${n + 1}::text = ANY(events) OR '*' = ANY(events))`,
    params: [tenantId, type, messageId, payload],
  };
}
