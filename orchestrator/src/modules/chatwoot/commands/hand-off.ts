import { replyIdempotencyKey, type ChatwootApiMessage, type ChatwootClient, type CreateMessageInput } from '@atrium/connectors/chatwoot';
import type { Services } from '../../../platform/services';
import { recordActivity } from '../../activity';
import { recordAudit, systemActor } from '../../audit';
import { getTenantConfig } from '../../tenants';
import type { StoredHandoff } from '../chatwoot.schema';
import type { ChatwootIntegration } from '../integration-store';
import { findMirror, linkDeferred, markHandled, persistDeferred, updateMirror } from '../mirror-store';
import { DEFAULT_HANDOFF_NOTICE, renderHandoffNote } from '../render-reply';

/**
 * Hands a conversation to humans (README §3): a short notice to the customer, a private note for the agent
 * (reason, summary, what was tried, sources), the handoff label and `atrium_handoff_reason` custom attribute,
 * then `toggle_status open` — for a bot on a pending conversation that is Chatwoot's `bot_handoff!`.
 * Every step is idempotent and its completion is stored, so a retried job continues where it stopped and
 * never posts the notice or the note twice.
 */
export interface HandoffInput {
  conversationId: number;
  /** newest customer message this handoff answers (idempotency scope) */
  inboundMessageId: number;
  /** customer messages this handoff deals with */
  handledMessageIds: number[];
  /** the user message the chat pipeline stored for them, if it did */
  userMessageId?: string;
  handoff: Omit<StoredHandoff, 'at'>;
  customerMessage?: string;
}

type Step = 'notice' | 'note' | 'labels' | 'attributes' | 'open';

/** Posts once: if an earlier attempt may have reached Chatwoot, look for it first (by its source_id key). */
export async function postOnce(
  client: ChatwootClient,
  conversationId: number,
  input: CreateMessageInput & { idempotencyKey: string },
  mayExist: boolean,
): Promise<ChatwootApiMessage> {
  if (mayExist) {
    const found = await client.findPostedMessage(conversationId, input.idempotencyKey).catch(() => undefined);
    if (found) return found;
  }
  return client.createMessage(conversationId, input);
}

async function stepsDone(
  services: Services,
  integration: ChatwootIntegration,
  conversationId: number,
): Promise<{ steps: Set<Step>; previous: StoredHandoff | null }> {
  const row = await services.db.withTenant(integration.tenantId, (tx) => findMirror(tx, integration.tenantId, integration.id, conversationId));
  const previous = row?.handoff ?? null;
  return { steps: new Set((previous as { steps?: Step[] } | null)?.steps ?? []), previous };
}

export async function handOff(services: Services, integration: ChatwootIntegration, client: ChatwootClient, input: HandoffInput): Promise<void> {
  const { tenantId } = integration;
  const { steps, previous } = await stepsDone(services, integration, input.conversationId);
  const resuming = (previous as { inbound?: number } | null)?.inbound === input.inboundMessageId;
  const done = resuming ? steps : new Set<Step>();
  const handoff: StoredHandoff & { steps: Step[]; inbound: number } = {
    ...input.handoff,
    at: new Date().toISOString(),
    steps: [...done],
    inbound: input.inboundMessageId,
  };
  const persist = () => services.db.withTenant(tenantId, (tx) => updateMirror(tx, tenantId, integration.id, input.conversationId, { handoff }));
  // (updateMirror's first statement updates the mirror row, so every transaction here locks it before `conversations`)
  const save = async (step: Step) => {
    done.add(step);
    handoff.steps = [...done];
    await persist();
  };
  await persist(); // "started for this inbound message" is on record before the first side effect
  const key = (kind: 'reply' | 'handoff_note') =>
    replyIdempotencyKey({ integrationId: integration.id, conversationId: input.conversationId, inboundMessageId: input.inboundMessageId, kind });

  if (!done.has('notice')) {
    await postOnce(client, input.conversationId, { content: input.customerMessage ?? DEFAULT_HANDOFF_NOTICE, idempotencyKey: key('reply') }, resuming);
    await save('notice');
  }
  if (!done.has('note')) {
    await postOnce(client, input.conversationId, { content: renderHandoffNote(handoff), private: true, idempotencyKey: key('handoff_note') }, resuming);
    await save('note');
  }
  const { config } = await getTenantConfig(services.db, tenantId);
  if (!done.has('labels')) {
    await client.addLabels(input.conversationId, [config.escalation.handoff_label]);
    await save('labels');
  }
  if (!done.has('attributes')) {
    await client.setCustomAttributes(input.conversationId, { atrium_handoff_reason: input.handoff.reason }, { merge: true });
    await save('attributes');
  }
  if (!done.has('open')) await client.toggleStatus(input.conversationId, 'open');

  await services.db.withTenant(tenantId, async (tx) => {
    done.add('open');
    handoff.steps = [...done];
    // status is left to Chatwoot's own events (they carry the version that orders them); owner is ours to set
    await updateMirror(tx, tenantId, integration.id, input.conversationId, { owner: 'human', handoff });
    const row = await findMirror(tx, tenantId, integration.id, input.conversationId);
    if (input.userMessageId) await linkDeferred(tx, tenantId, integration.id, input.handledMessageIds, input.userMessageId);
    else if (row) await persistDeferred(tx, tenantId, integration.id, row, input.handledMessageIds);
    await markHandled(tx, tenantId, integration.id, input.handledMessageIds);
    const conversationId = row?.conversation_id ?? null;
    await recordAudit(tx, tenantId, {
      action: 'conversation.handed_off',
      actor: systemActor('chatwoot-bot'),
      resource: { type: 'conversation', id: conversationId },
      data: { chatwoot_conversation_id: input.conversationId, reason: input.handoff.reason, detail: input.handoff.detail ?? null },
    });
    await recordActivity(tx, services.bus, tenantId, {
      type: 'chatwoot.handed_off',
      actor: 'bot',
      resourceType: 'conversation',
      resourceId: conversationId,
      summary: `Chatwoot conversation ${input.conversationId} handed to a human (${input.handoff.reason})`,
      data: { reason: input.handoff.reason },
    });
  });
}
