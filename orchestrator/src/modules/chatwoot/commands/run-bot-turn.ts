import { isChatwootError, type ChatwootClient } from '@atrium/connectors/chatwoot';
import type { Services } from '../../../platform/services';
import { newLease, type Lease } from '../conversation-lease';
import { loadPending, type Pending, type StartedTurn } from './turn-round';
import { botClient, loadIntegration, type ChatwootIntegration } from '../integration-store';
import { markHandled, mirrorLockedFirst, persistDeferred, updateMirror, type MirrorRow } from '../mirror-store';
import { settleAnswer } from '../answer-store';
import { renderAnswer } from '../render-reply';
import { turnEngineOf, type TurnOutcome } from '../turn-engine';
import { handOff, postOnce } from './hand-off';

/**
 * One bot turn for a Chatwoot conversation: under the conversation's lease, answer every customer message the
 * bot has not answered yet (a burst gets one answer), then look again — messages that arrived meanwhile get
 * the next answer, so nothing is lost and replies stay in order. Before answering, Chatwoot itself is asked
 * whether the conversation is still the bot's (events may lag). Each answer is keyed by the newest customer
 * message it covers (`chatwoot_replies`), which makes a repeated turn — a retry, a restarted worker — reuse the
 * same idempotency key instead of posting again.
 */
export type TurnResult = 'done' | 'busy';
const MAX_ROUNDS = 5;
/** "typing…" only for a turn still thinking after this long: a faster answer replaces it before anyone sees it */
const TYPING_AFTER_MS = 300;

/** Marks messages as dealt with without a reply (answered before, or the humans have the conversation). */
async function skip(services: Services, integration: ChatwootIntegration, row: MirrorRow, messageIds: number[], owner?: 'human'): Promise<void> {
  const conversationId = Number(row.chatwoot_conversation_id);
  await services.db.withTenant(
    integration.tenantId,
    async (tx) => {
      if (owner) await updateMirror(tx, integration.tenantId, integration.id, conversationId, { owner });
      await persistDeferred(tx, integration.tenantId, integration.id, row, messageIds);
      await markHandled(tx, integration.tenantId, integration.id, messageIds);
    },
    mirrorLockedFirst(integration.id, conversationId),
  );
}

/** Chatwoot's own view: still pending and not assigned to a person? (`meta.assignee` is set only for users.) */
async function stillTheBots(client: ChatwootClient, conversationId: number): Promise<boolean> {
  try {
    const c = await client.getConversation(conversationId);
    return c.status === 'pending' && !c.meta?.assignee;
  } catch (error) {
    if (isChatwootError(error) && error.code === 'UPSTREAM_NOT_FOUND') return false;
    throw error;
  }
}

async function runEngine(services: Services, integration: ChatwootIntegration, pending: Pending): Promise<TurnOutcome> {
  try {
    return await turnEngineOf(services).runTurn({
      tenantId: integration.tenantId,
      conversationId: pending.row.conversation_id,
      integrationId: integration.id,
      externalMessageId: String(pending.messages.at(-1)!.id),
      contactId: pending.row.contact_id === null ? null : Number(pending.row.contact_id),
      customerMessages: pending.messages.map((m) => m.content),
      history: pending.history,
    });
  } catch (error) {
    services.log.error({ err: error, integration: integration.id }, 'chat pipeline failed; handing off');
    return { kind: 'handoff', reason: 'pipeline_failure', detail: (error as Error).message.slice(0, 200), tried: ['answer with the chat pipeline'] };
  }
}

async function deliverAnswer(
  services: Services,
  integration: ChatwootIntegration,
  client: ChatwootClient,
  pending: Pending,
  outcome: Extract<TurnOutcome, { kind: 'answer' }>,
  key: string,
  mayExist: boolean,
  lease: Lease,
): Promise<boolean> {
  const conversationId = Number(pending.row.chatwoot_conversation_id);
  const inboundId = pending.messages.at(-1)!.id;
  const { content, interactive } = renderAnswer(outcome.text, outcome.citations, outcome.quickReplies);
  const posted = await postOnce(client, conversationId, { content, interactive, idempotencyKey: key }, mayExist);
  // one statement after the lock taken with BEGIN; it also settles the turn's next round (nothing more to answer →
  // the lease is released here: true)
  return services.db.withTenant(
    integration.tenantId,
    (tx) =>
      settleAnswer(
        tx,
        services.bus,
        {
          tenantId: integration.tenantId,
          integrationId: integration.id,
          chatwootConversationId: conversationId,
          conversationId: pending.row.conversation_id,
          inboundId,
          customerMessageIds: pending.messages.map((m) => m.id),
          postedId: posted.id,
          text: outcome.text,
          citations: outcome.citations,
          ...(outcome.persisted ? { persisted: outcome.persisted } : {}),
          activity: {
            summary: `The bot answered in Chatwoot conversation ${conversationId}`,
            data: { citations: outcome.citations.length, quick_replies: outcome.quickReplies?.length ?? 0 },
          },
        },
        lease,
      ),
    mirrorLockedFirst(integration.id, conversationId),
  );
}

/** conversations where this process showed "typing…", so the indicator is cleared only where it was set */
const typingShown = new Set<number>();

/** Answers (or hands off) one batch of messages; true when it also found nothing left and released the lease. */
async function answerOnce(services: Services, integration: ChatwootIntegration, client: ChatwootClient, pending: Pending, lease: Lease): Promise<boolean> {
  const conversationId = Number(pending.row.chatwoot_conversation_id);
  const inboundId = pending.messages.at(-1)!.id;
  const reservation = pending.reservation!; // answerOnce runs only for a bot-owned pending conversation
  const key = reservation.key;
  const ids = pending.messages.map((m) => m.id);
  if (reservation.status === 'posted' || reservation.status === 'handed_off') return skip(services, integration, pending.row, ids).then(() => false);
  const typing = setTimeout(() => {
    typingShown.add(conversationId);
    void client.toggleTyping(conversationId, true).catch(() => undefined); // cosmetic: never delays or fails a turn
  }, TYPING_AFTER_MS);
  const outcome = await runEngine(services, integration, pending).finally(() => clearTimeout(typing));
  const customerText = pending.messages.map((m) => m.content).join('\n');
  if (outcome.kind === 'silent') return skip(services, integration, pending.row, ids).then(() => false);
  const userMessageId = outcome.persisted?.userMessageId;
  if (outcome.kind === 'answer') {
    try {
      return await deliverAnswer(services, integration, client, pending, outcome, key, reservation.attempts > 1, lease);
    } catch (error) {
      if (isChatwootError(error) && error.retryable) throw error; // the job retries (same key, no duplicate)
      services.log.warn({ err: error, conversationId }, 'bot reply undeliverable; handing off');
      await handOff(services, integration, client, {
        conversationId,
        inboundMessageId: inboundId,
        handledMessageIds: ids,
        userMessageId,
        handoff: {
          reason: 'delivery_failure',
          detail: (error as Error).message.slice(0, 200),
          summary: customerText.slice(0, 1000),
          tried: ['answered, but Chatwoot refused the reply'],
          citations: outcome.citations,
          suggested_replies: [outcome.text],
        },
      });
    }
  } else {
    await handOff(services, integration, client, {
      conversationId,
      inboundMessageId: inboundId,
      handledMessageIds: ids,
      userMessageId,
      customerMessage: outcome.customerMessage,
      handoff: {
        reason: outcome.reason,
        detail: outcome.detail,
        summary: (outcome.summary ?? customerText).slice(0, 1000),
        tried: outcome.tried ?? [],
        citations: outcome.citations ?? [],
        suggested_replies: outcome.draft ? [outcome.draft] : [],
      },
    });
  }
  await services.db.withTenant(integration.tenantId, (tx) =>
    tx.query(
      `UPDATE chatwoot_replies SET status = 'handed_off', kind = 'handoff', updated_at = now() WHERE tenant_id = $1 AND integration_id = $2 AND inbound_message_id = $3`,
      [integration.tenantId, integration.id, inboundId],
    ),
  );
  return false;
}

export async function runBotTurn(
  services: Services,
  input: { tenantId: string; integrationId: string; conversationId: number },
  started?: StartedTurn,
): Promise<TurnResult> {
  const integration = await loadIntegration(services, input.tenantId, input.integrationId);
  const lease = started?.lease ?? newLease(services.db, { tenantId: input.tenantId, integrationId: integration.id, conversationId: input.conversationId });
  const client = botClient(services, integration);
  let released = false;
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const pending = round === 0 && started ? started.first : await loadPending(services, integration, input.conversationId, lease, round === 0);
      if (pending === 'busy') {
        released = true; // never held
        return 'busy';
      }
      if (!pending) {
        released = true; // released in loadPending's transaction
        return 'done';
      }
      const ids = pending.messages.map((m) => m.id);
      if (pending.row.owner !== 'bot' || pending.row.status !== 'pending') {
        await skip(services, integration, pending.row, ids);
        return 'done';
      }
      if (!(await stillTheBots(client, input.conversationId))) {
        await skip(services, integration, pending.row, ids, 'human');
        return 'done';
      }
      if (await answerOnce(services, integration, client, pending, lease)) {
        released = true;
        return 'done';
      }
    }
    return 'busy'; // more kept arriving: the job schedules another turn
  } finally {
    if (typingShown.delete(input.conversationId)) void client.toggleTyping(input.conversationId, false).catch(() => undefined);
    if (!released) await lease.release().catch(() => undefined);
  }
}
