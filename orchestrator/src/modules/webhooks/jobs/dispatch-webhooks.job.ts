import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import { deliverWebhookJob } from './deliver-webhook.job';

/** How long a delivery handed to a job is hidden from the next sweeps (longer than one attempt can take). */
const LEASE_MS = 60_000;

/**
 * The outbox sweep (scheduled): finds due deliveries, leases them (next_attempt_at moves forward, so
 * concurrent sweeps on other replicas skip them) and enqueues one delivery job per attempt.
 */
export const dispatchWebhooksJob = defineJob({
  name: 'webhooks.dispatch',
  payload: z.object({}),
  attempts: 1,
  concurrency: 1,
  handler: async (_payload, { services }) => {
    const tenants = await services.db.query<{ tenant_id: string }>('SELECT atrium_tenants_with_due_webhooks() AS tenant_id');
    for (const { tenant_id: tenantId } of tenants.rows) {
      const leased = await services.db.withTenant(tenantId, (tx) =>
        tx.query<{ id: string }>(
          `UPDATE outbound_webhook_deliveries SET next_attempt_at = now() + ($2::int * interval '1 millisecond')
           WHERE tenant_id = $1 AND id IN (
             SELECT id FROM outbound_webhook_deliveries WHERE tenant_id = $1 AND status = 'pending' AND next_attempt_at <= now()
             ORDER BY next_attempt_at LIMIT 200 FOR UPDATE SKIP LOCKED)
           RETURNING id`,
          [tenantId, LEASE_MS],
        ),
      );
      for (const d of leased.rows) {
        await services.queue.enqueue(deliverWebhookJob, { tenantId, deliveryId: d.id });
      }
    }
  },
});
