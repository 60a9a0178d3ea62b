import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { recoverNotice, unpostedNotices } from './approval-notice.job';
import { botTurnJob } from './bot-turn.job';
import { processDeliveryJob } from './process-delivery.job';

/**
 * The safety net behind "nothing lost": re-enqueues deliveries that were recorded but never processed (the
 * process died between commit and enqueue, or the in-process queue died with it), and bot turns for
 * conversations where a customer has waited for the bot without anyone working on it (no live lease), and approval
 * notices written into Chatwoot conversations that never reached the queue.
 */
export const SWEEP_EVERY_MS = 15_000;
const STUCK_AFTER_SECONDS = 10;
const NOTICE_LOST_AFTER_SECONDS = 60;

export async function sweepChatwoot(
  services: Services,
  options: { olderThanSeconds?: number } = {},
): Promise<{ deliveries: number; turns: number; notices: number }> {
  const olderThan = options.olderThanSeconds ?? STUCK_AFTER_SECONDS;
  const tenants = await services.db.query<{ id: string }>(`SELECT id FROM tenants WHERE status = 'active'`);
  const slot = Math.floor(Date.now() / SWEEP_EVERY_MS); // a fresh idempotency key per sweep
  let deliveries = 0;
  let turns = 0;
  let notices = 0;
  for (const { id: tenantId } of tenants.rows) {
    const found = await services.db.withTenant(tenantId, async (tx) => {
      const stuck = await tx.query<{ id: string; integration_id: string }>(
        `SELECT id, integration_id FROM webhook_deliveries
          WHERE tenant_id = $1 AND source = 'chatwoot' AND status = 'received' AND received_at < now() - make_interval(secs => $2) AND integration_id IS NOT NULL
          ORDER BY received_at LIMIT 500`,
        [tenantId, olderThan],
      );
      const waiting = await tx.query<{ integration_id: string; chatwoot_conversation_id: string }>(
        `SELECT cc.integration_id, cc.chatwoot_conversation_id FROM chatwoot_conversations cc
          WHERE cc.tenant_id = $1 AND cc.owner = 'bot' AND cc.status = 'pending' AND (cc.lease_until IS NULL OR cc.lease_until < now())
            AND EXISTS (SELECT 1 FROM chatwoot_messages cm
                         WHERE cm.tenant_id = cc.tenant_id AND cm.integration_id = cc.integration_id AND cm.chatwoot_conversation_id = cc.chatwoot_conversation_id
                           AND cm.author = 'customer' AND NOT cm.handled
                           AND cm.created_at < now() - make_interval(secs => $2))
          LIMIT 500`,
        [tenantId, olderThan],
      );
      // the notice job's own retries run over ~15 s; only a notice older than that can have been lost rather than pending
      const notices = await unpostedNotices(tx, tenantId, options.olderThanSeconds ?? NOTICE_LOST_AFTER_SECONDS);
      return { stuck: stuck.rows, waiting: waiting.rows, notices };
    });
    for (const d of found.stuck) {
      await services.queue.enqueue(
        processDeliveryJob,
        { tenantId, integrationId: d.integration_id, deliveryRowId: d.id },
        { idempotencyKey: `chatwoot-delivery:${d.id}:sweep:${slot}` },
      );
      deliveries++;
    }
    for (const w of found.waiting) {
      await services.queue.enqueue(botTurnJob, { tenantId, integrationId: w.integration_id, conversationId: Number(w.chatwoot_conversation_id), round: 0 });
      turns++;
    }
    for (const n of found.notices) await recoverNotice(services, tenantId, n);
    notices += found.notices.length;
  }
  if (deliveries || turns || notices) services.log.warn({ deliveries, turns, notices }, 'chatwoot sweep re-enqueued work');
  return { deliveries, turns, notices };
}

export const sweepJob = defineJob({
  name: 'chatwoot.sweep',
  payload: z.object({}),
  attempts: 1,
  handler: async (_p, { services }) => {
    await sweepChatwoot(services);
  },
});
