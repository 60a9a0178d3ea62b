import { parseChatwootEvent } from '@atrium/connectors/chatwoot';
import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { applyEvent } from '../commands/apply-event';
import { AppError } from '../../../platform/errors';
import { loadIntegration, type ChatwootIntegration } from '../integration-store';
import { botTurnJob } from './bot-turn.job';

/**
 * Applies one recorded delivery to the mirror, then (after commit) schedules a bot turn when a customer wrote
 * in a bot-owned conversation. The delivery row is locked and its status checked first, so a job that runs
 * twice (queue retry, sweeper) applies the event once.
 */
const payload = z.object({ tenantId: z.uuid(), integrationId: z.uuid(), deliveryRowId: z.uuid() });

/** The cached integration (decrypting it per delivery cost more than the event itself); null once disconnected. */
async function integrationOf(services: Services, p: z.infer<typeof payload>): Promise<ChatwootIntegration | null> {
  try {
    return await loadIntegration(services, p.tenantId, p.integrationId);
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

export async function processDelivery(services: Services, p: z.infer<typeof payload>): Promise<void> {
  const integration = await integrationOf(services, p);
  const turn = await services.db.withTenant(p.tenantId, async (tx) => {
    const r = await tx.query<{ payload: unknown; status: string }>(
      `SELECT payload, status FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [p.tenantId, p.deliveryRowId],
    );
    const delivery = r.rows[0];
    if (!delivery || (delivery.status !== 'received' && delivery.status !== 'failed')) return undefined;
    const parsed = parseChatwootEvent(delivery.payload);
    const outcome =
      integration && parsed.known && !('invalid' in parsed) ? await applyEvent(services, tx, integration, parsed.event) : { status: 'ignored' as const };
    await tx.query(
      `UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1, processed_at = now(), last_error = NULL WHERE tenant_id = $1 AND id = $2`,
      [p.tenantId, p.deliveryRowId, outcome.status],
    );
    return outcome.botTurn;
  });
  if (turn) {
    await services.queue.enqueue(
      botTurnJob,
      { tenantId: p.tenantId, integrationId: p.integrationId, conversationId: turn.conversationId, round: 0 },
      { delayMs: services.config.CHATWOOT_COALESCE_MS },
    );
  }
}

export const processDeliveryJob = defineJob({
  name: 'chatwoot.process-delivery',
  payload,
  attempts: 6,
  backoffMs: 500,
  handler: async (p, { services, attempt }) => {
    try {
      await processDelivery(services, p);
    } catch (error) {
      await services.db
        .withTenant(p.tenantId, (tx) =>
          tx.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = $3 WHERE tenant_id = $1 AND id = $2`, [
            p.tenantId,
            p.deliveryRowId,
            `attempt ${attempt}: ${(error as Error).message}`.slice(0, 500),
          ]),
        )
        .catch(() => undefined);
      throw error;
    }
  },
});
