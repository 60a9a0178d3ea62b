import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db';
import type { WebhookEventType } from './webhooks.schema';

/**
 * Queues `type` for every endpoint of the tenant subscribed to it, in the caller's transaction (an outbox):
 * the event exists exactly when the change that caused it committed, and a crash cannot lose it. The dispatch
 * job delivers it. `data` must already be an allowlisted, presenter-shaped object.
 * The body follows the Standard Webhooks convention: { type, timestamp, data }.
 */
export async function emitWebhookEvent(tx: Queryable, tenantId: string, type: WebhookEventType, data: Record<string, unknown>): Promise<number> {
  const event = webhookEvent(type, data);
  const r = await tx.query(outboxInsertSql({ tenant: 1, type: 2, messageId: 3, payload: 4 }), [tenantId, type, event.messageId, event.payload]);
  return r.rowCount;
}

/** One event as the outbox stores it: its Standard Webhooks id (the same for every endpoint and retry) and body. */
export function webhookEvent(type: WebhookEventType, data: Record<string, unknown>): { messageId: string; payload: string } {
  return { messageId: `msg_${randomUUID().replace(/-/g, '')}`, payload: JSON.stringify({ type, timestamp: new Date().toISOString(), data }) };
}

/**
 * The outbox insert of one event for every subscribed endpoint, as one statement whose tenant, event type, message id
 * and payload are the given parameter numbers: emitWebhookEvent runs it alone, and a hot path may fold it into a
 * statement of its own as a data-modifying CTE (the change and its event in one round trip).
 */
export function outboxInsertSql(at: { tenant: number; type: number; messageId: number; payload: number }): string {
  return `INSERT INTO outbound_webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload)
     SELECT $${at.tenant}::uuid, id, $${at.messageId}::text, $${at.type}::text, $${at.payload}::jsonb FROM webhook_endpoints
     WHERE tenant_id = $${at.tenant}::uuid AND enabled AND ($${at.type}::text = ANY(events) OR '*' = ANY(events))`;
}
