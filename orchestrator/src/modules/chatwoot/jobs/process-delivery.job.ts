import { parseChatwootEvent } from '@atrium/connectors/chatwoot';
import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { applyEvent } from '../commands/apply-event';
import { startTurnIn, type StartedTurn } from '../commands/turn-round';
import { AppError } from '../../../platform/errors';
import { loadIntegration, type ChatwootIntegration } from '../integration-store';
import { botTurnJob, takeTurn, type BotTurnPayload } from './bot-turn.job';

/**
 * Applies one recorded delivery to the mirror, then (after commit) starts a bot turn when a customer wrote
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
  // Without a burst window the turn runs inline (startTurn) and its first round — claim the conversation, load what
  // to answer — runs at the end of this transaction rather than in a transaction of its own.
  const inline = services.config.CHATWOOT_COALESCE_MS <= 0;
  let started: StartedTurn | undefined;
  const turn = await services.db
    .withTenant(
      p.tenantId,
      async (tx) => {
        const delivery = tx.lead!.rows[0] as { payload: unknown; status: string } | undefined;
        if (!delivery || (delivery.status !== 'received' && delivery.status !== 'failed')) return undefined;
        const parsed = parseChatwootEvent(delivery.payload);
        const outcome =
          integration && parsed.known && !('invalid' in parsed) ? await applyEvent(services, tx, integration, parsed.event) : { status: 'ignored' as const };
        // sent with COMMIT, in its round trip
        tx.finalStatement(
          `UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1, processed_at = now(), last_error = NULL WHERE tenant_id = :tenant AND id = :delivery`,
          { tenant: p.tenantId, delivery: p.deliveryRowId, status: outcome.status },
        );
        if (outcome.botTurn && inline && integration) started = await startTurnIn(tx, services, integration, outcome.botTurn.conversationId);
        return outcome.botTurn;
      },
      // the delivery row, locked, comes with BEGIN
      {
        lead: 'SELECT payload, status FROM webhook_deliveries WHERE tenant_id = :tenant AND id = :delivery FOR UPDATE',
        leadValues: { delivery: p.deliveryRowId },
      },
    )
    .catch((error: unknown) => {
      started?.lease.forget(); // rolled back: the claim never happened
      throw error;
    });
  if (turn) await startTurn(services, { tenantId: p.tenantId, integrationId: p.integrationId, conversationId: turn.conversationId, round: 0 }, started);
}

/**
 * With a burst window the turn waits in the queue for the rest of the burst. Without one (CHATWOOT_COALESCE_MS=0)
 * it runs here, in this job: a second job per delivery (enqueue, fetch, complete in Redis) cost as much as the turn
 * itself and capped sustained turns/s. The delivery is committed as processed already, so a failed inline turn must
 * not fail this job (its retry would find nothing to do): it is handed to a bot-turn job, which retries as always.
 * (So the inline path never throws.)
 * A worker killed mid-turn leaves an unhandled message and an expiring lease, which the sweeper re-enqueues.
 */
async function startTurn(services: Services, turn: BotTurnPayload, started?: StartedTurn): Promise<void> {
  const delayMs = services.config.CHATWOOT_COALESCE_MS;
  if (delayMs > 0) {
    await services.queue.enqueue(botTurnJob, turn, { delayMs });
    return;
  }
  try {
    await takeTurn(services, turn, started);
  } catch (error) {
    services.log.warn({ err: error, conversationId: turn.conversationId }, 'inline bot turn failed; retrying it as a bot-turn job');
    // (if Redis refuses this too, the sweeper finds the unanswered message once the lease has lapsed)
    await services.queue
      .enqueue(botTurnJob, turn, { delayMs: botTurnJob.backoffMs })
      .catch((err: unknown) => services.log.warn({ err, conversationId: turn.conversationId }, 'bot turn not enqueued; the sweeper will pick it up'));
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
