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
  const endpoints = await tx.query<{ id: string }>(
    `SELECT id FROM webhook_endpoints WHERE tenant_id = $1 AND enabled AND ($2 = ANY(events) OR '*' = ANY(events))`,
    [tenantId, type],
  );
  if (!endpoints.rows.length) return 0;
  const messageId = `msg_${randomUUID().replace(/-/g, '')}`;
  const payload = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  for (const endpoint of endpoints.rows) {
    await tx.query('INSERT INTO outbound_webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload) VALUES ($1, $2, $3, $4, $5)', [
      tenantId,
      endpoint.id,
      messageId,
      type,
      payload,
    ]);
  }
  return endpoints.rows.length;
}
