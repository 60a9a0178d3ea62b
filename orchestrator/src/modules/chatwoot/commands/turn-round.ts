import { replyIdempotencyKey } from '@atrium/connectors/chatwoot';
import type { Queryable } from '../../../platform/db';
import type { Services } from '../../../platform/services';
import { newLease, type Lease } from '../conversation-lease';
import type { ChatwootIntegration } from '../integration-store';
import type { MirrorRow } from '../mirror-store';
import { readWork } from '../pending-work';

/**
 * The start of each round of a bot turn (run-bot-turn.ts): under the conversation's lease, what is left to answer,
 * the model's context, and the reply slot — one transaction, a few statements.
 */
export interface Pending {
  row: MirrorRow;
  messages: Array<{ id: number; content: string }>;
  history: Array<{ role: string; content: string }>;
  /** the reply slot, reserved in the same transaction when the mirror says the bot owns the conversation */
  reservation?: { key: string; status: string; attempts: number };
}

/**
 * The messages still to answer, in one transaction with the lease: the first round claims it ('busy' when another
 * worker holds it), and the round that finds nothing left releases it (null) — no separate round trips for either.
 */
async function loadPendingIn(
  tx: Queryable,
  integration: ChatwootIntegration,
  conversationId: number,
  lease: Lease,
  claim: boolean,
): Promise<Pending | null | 'busy'> {
  // the first round's claim reads the work in the same statement (no mirror row yet: as busy, the job looks again)
  const work = claim ? await lease.claim(tx) : await readWork(tx, { tenantId: integration.tenantId, integrationId: integration.id, conversationId });
  if (claim && !work) return 'busy';
  if (!work || !work.messages.length) {
    await lease.releaseIn(tx);
    return null;
  }
  const { row, messages, history } = work;
  if (row.owner !== 'bot' || row.status !== 'pending') return { row, messages, history };
  // the statement that read the work reserved the slot for its newest message (the same one: one snapshot, one order)
  const key = replyIdempotencyKey({ integrationId: integration.id, conversationId, inboundMessageId: messages.at(-1)!.id });
  return { row, messages, history, reservation: { key, ...work.reservation! } };
}

export const loadPending = (services: Services, integration: ChatwootIntegration, conversationId: number, lease: Lease, claim: boolean) =>
  services.db.withTenant(integration.tenantId, (tx) => loadPendingIn(tx, integration, conversationId, lease, claim));

/** A turn whose first round (claim + load) ran in the caller's transaction; runBotTurn continues it after commit. */
export interface StartedTurn {
  lease: Lease;
  first: Pending | null | 'busy';
}

/**
 * The first round of a turn inside the caller's transaction: the delivery job that found the customer message
 * claims the conversation in its own transaction instead of committing, then opening another (two round trips less
 * per turn). If that transaction does not commit, the caller calls `lease.forget()`.
 */
export async function startTurnIn(tx: Queryable, services: Services, integration: ChatwootIntegration, conversationId: number): Promise<StartedTurn> {
  const lease = newLease(services.db, { tenantId: integration.tenantId, integrationId: integration.id, conversationId });
  try {
    return { lease, first: await loadPendingIn(tx, integration, conversationId, lease, true) };
  } catch (error) {
    lease.forget();
    throw error;
  }
}
