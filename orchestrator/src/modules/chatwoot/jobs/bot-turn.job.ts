import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { runBotTurn } from '../commands/run-bot-turn';
import type { StartedTurn } from '../commands/turn-round';

/**
 * Runs the bot for one conversation. If another worker holds the conversation's lease, it is answering already
 * and will pick up this message in its next round; the job still re-checks a moment later (bounded), so a
 * message that arrived just as the holder finished is never left unanswered.
 */
const MAX_REQUEUES = 60;
const REQUEUE_DELAY_MS = 500;

const payload = z.object({
  tenantId: z.uuid(),
  integrationId: z.uuid(),
  conversationId: z.number().int().positive(),
  round: z.number().int().min(0).default(0),
});
export type BotTurnPayload = z.infer<typeof payload>;

/**
 * One turn, plus the bounded re-check when the conversation was busy (also run inline by the delivery job, which
 * may have run its first round already: `started`).
 */
export async function takeTurn(services: Services, p: BotTurnPayload, started?: StartedTurn): Promise<void> {
  const result = await runBotTurn(services, p, started);
  if (result === 'busy' && p.round < MAX_REQUEUES) {
    await services.queue.enqueue(botTurnJob, { ...p, round: p.round + 1 }, { delayMs: REQUEUE_DELAY_MS });
  }
}

export const botTurnJob = defineJob({
  name: 'chatwoot.bot-turn',
  payload,
  attempts: 5,
  backoffMs: 1000,
  handler: async (p, { services }) => takeTurn(services, p),
});
