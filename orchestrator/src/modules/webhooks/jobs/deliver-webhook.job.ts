import { z } from 'zod';
import { Webhook } from 'standardwebhooks';
import { outboundRequest, OutboundError } from '@atrium/connectors/http';
import { defineJob } from '../../../platform/queue';
import { mayReachPrivateNetwork } from '../destinations';

/** Attempts before a delivery is marked failed; with the default 5 s base the last retry comes ~21 h after the first try. */
export const MAX_DELIVERY_ATTEMPTS = 8;
const TIMEOUT_MS = 10_000;

/** Exponential backoff with ±20 % jitter, so a recovering receiver is not hit by every retry at once. */
export const retryDelayMs = (attempt: number, baseMs: number) => Math.round(baseMs * 5 ** (attempt - 1) * (0.8 + Math.random() * 0.4));

interface DueDelivery {
  id: string;
  message_id: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret_sealed: string;
}

/**
 * One delivery attempt, signed per Standard Webhooks (webhook-id / webhook-timestamp / webhook-signature,
 * via the reference `standardwebhooks` library). The outcome, and the next attempt time, land in the
 * delivery log; the dispatch sweep picks up retries, so this job itself never retries.
 */
export const deliverWebhookJob = defineJob({
  name: 'webhooks.deliver',
  payload: z.object({ tenantId: z.uuid(), deliveryId: z.uuid() }),
  attempts: 1,
  handler: async ({ tenantId, deliveryId }, { services }) => {
    const { db, secrets, config } = services;
    const due = await db.withTenant(tenantId, async (tx) => {
      const r = await tx.query<DueDelivery>(
        `SELECT d.id, d.message_id, d.payload, d.attempts, e.url, e.secret_sealed FROM outbound_webhook_deliveries d
         JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
         WHERE d.tenant_id = $1 AND d.id = $2 AND d.status = 'pending' AND e.enabled`,
        [tenantId, deliveryId],
      );
      return r.rows[0];
    });
    if (!due) return;
    const body = JSON.stringify(due.payload);
    const timestamp = new Date();
    const signature = new Webhook(secrets.decrypt(due.secret_sealed)).sign(due.message_id, timestamp, body);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const r = await outboundRequest({
        url: due.url,
        method: 'POST',
        body,
        timeoutMs: TIMEOUT_MS,
        allowPrivateNetworks: mayReachPrivateNetwork(due.url, config),
        maxResponseBytes: 64 * 1024,
        headers: {
          'content-type': 'application/json',
          'webhook-id': due.message_id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
      });
      statusCode = r.status;
      if (r.status < 200 || r.status >= 300) error = `HTTP ${r.status}`;
    } catch (e) {
      error = e instanceof OutboundError ? e.message : 'delivery failed';
    }
    const attempts = due.attempts + 1;
    await db.withTenant(tenantId, async (tx) => {
      if (!error) {
        await tx.query(
          `UPDATE outbound_webhook_deliveries SET status = 'delivered', attempts = $3, last_status_code = $4, last_error = NULL, delivered_at = now() WHERE tenant_id = $1 AND id = $2`,
          [tenantId, deliveryId, attempts, statusCode],
        );
        return;
      }
      const failed = attempts >= MAX_DELIVERY_ATTEMPTS;
      await tx.query(
        `UPDATE outbound_webhook_deliveries SET status = $3, attempts = $4, last_status_code = $5, last_error = $6,
           next_attempt_at = now() + ($7::int * interval '1 millisecond') WHERE tenant_id = $1 AND id = $2`,
        [tenantId, deliveryId, failed ? 'failed' : 'pending', attempts, statusCode, error.slice(0, 500), retryDelayMs(attempts, config.WEBHOOK_RETRY_BASE_MS)],
      );
    });
  },
});
