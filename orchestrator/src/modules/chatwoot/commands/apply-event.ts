import { eventConversation, messageAuthor, type ChatwootEvent, type WebhookConversation } from '@atrium/connectors/chatwoot';
import type { Tx } from '../../../platform/db';
import type { Services } from '../../../platform/services';
import { announceActivity, recordActivity } from '../../activity';
import { recordAudit, systemActor } from '../../audit';
import type { ChatwootIntegration } from '../integration-store';
import { ensureMirror, mirrorMessage, updateMirror, type MirrorRow, type Owner } from '../mirror-store';
import { submissionOf } from '../submission';

/**
 * Applies one Chatwoot event to Atrium's mirror (idempotent: message ids and the conversation's `updated_at`
 * make replays and out-of-order deliveries harmless) and says whether the bot should take a turn.
 *
 * Ownership (README §3): the bot owns a conversation only while it is `pending` with no human assignee.
 * Anything else — open, snoozed, resolved, a human assignee, or a human agent writing publicly — makes it the
 * humans'; it returns to the bot only when Chatwoot moves it back to `pending`. So the bot never talks over a
 * human, even when Chatwoot itself keeps a conversation pending after an agent's reply.
 */
export interface ApplyOutcome {
  status: 'processed' | 'ignored';
  /** a customer message arrived in a bot-owned conversation: run a bot turn for it */
  botTurn?: { conversationId: number };
}

/**
 * `enteredPending`: the event itself reports a status change into pending (`changed_attributes`). Deliveries
 * arrive concurrently, so the mirror may never have seen the intermediate status; the event says it anyway.
 */
function nextOwner(previous: MirrorRow, conv: WebhookConversation, enteredPending: boolean): Owner {
  if (conv.status !== 'pending' || conv.meta.assignee_type === 'User') return 'human';
  if (previous.status !== 'pending' || enteredPending) return 'bot'; // back to pending: the bot resumes
  return previous.owner;
}

async function applyConversationState(
  services: Services,
  tx: Tx,
  integration: ChatwootIntegration,
  row: MirrorRow,
  conv: WebhookConversation,
  event: ChatwootEvent,
): Promise<MirrorRow> {
  const version = conv.updated_at ?? 0;
  if (version < Number(row.state_version)) return row; // an older snapshot arriving late never wins
  const changes = 'changed_attributes' in event ? (event.changed_attributes ?? []) : [];
  const enteredPending = changes.some((c) => c.status?.current_value === 'pending');
  const owner = nextOwner(row, conv, enteredPending);
  const next = { ...row, status: conv.status, owner, state_version: version };
  if (owner === row.owner && conv.status === row.status) {
    // the same snapshot again (a new mirror row is created at the event's version) changes nothing: no statement
    if (version !== Number(row.state_version)) await updateMirror(tx, integration.tenantId, integration.id, conv.id, { stateVersion: version });
    return next;
  }
  await updateMirror(tx, integration.tenantId, integration.id, conv.id, {
    status: conv.status,
    owner,
    stateVersion: version,
    ...(owner === 'bot' ? { handoff: null } : {}),
  });
  const tenantId = integration.tenantId;
  const resource = { resourceType: 'conversation', resourceId: row.conversation_id };
  if (owner === 'bot' && row.owner === 'human') {
    await recordAudit(tx, tenantId, {
      action: 'conversation.resumed',
      actor: systemActor('chatwoot'),
      resource: { type: 'conversation', id: row.conversation_id },
      data: { chatwoot_conversation_id: conv.id },
    });
    await recordActivity(tx, services.bus, tenantId, {
      type: 'chatwoot.bot_resumed',
      ...resource,
      summary: `Chatwoot conversation ${conv.id} is back with the bot`,
    });
  } else if (owner === 'human' && row.owner === 'bot' && !row.handoff) {
    // (after Atrium's own handoff the handoff activity already says so)
    await recordActivity(tx, services.bus, tenantId, { type: 'chatwoot.taken_over', ...resource, summary: `A human took Chatwoot conversation ${conv.id}` });
  } else {
    await recordActivity(tx, services.bus, tenantId, {
      type: 'chatwoot.status_changed',
      ...resource,
      summary: `Chatwoot conversation ${conv.id} is ${conv.status}`,
      data: { status: conv.status },
    });
  }
  return next;
}

export async function applyEvent(services: Services, tx: Tx, integration: ChatwootIntegration, event: ChatwootEvent): Promise<ApplyOutcome> {
  if (event.event === 'webwidget_triggered' || event.event === 'conversation_typing_on' || event.event === 'conversation_typing_off')
    return { status: 'ignored' };
  const conv = eventConversation(event);
  if (!conv) return { status: 'ignored' };
  const { row: found, started } = await ensureMirror(tx, integration.tenantId, integration.id, conv);
  if (started) announceActivity(tx, services.bus, integration.tenantId, started);
  let row = await applyConversationState(services, tx, integration, found, conv, event);
  const submission = event.event === 'message_updated' ? submissionOf(event) : null;
  if (submission) {
    // a quick-reply tap or form sent in the widget: the customer's turn, under the same rules as a typed message
    const forTheBot = row.owner === 'bot' && row.status === 'pending';
    const fresh = await mirrorMessage(tx, integration.tenantId, integration.id, row, { ...submission, author: 'customer', defer: forTheBot });
    return fresh && forTheBot ? { status: 'processed', botTurn: { conversationId: conv.id } } : { status: 'processed' };
  }
  if (event.event !== 'message_created') return { status: 'processed' };

  const author = messageAuthor(event);
  const forTheBot = author === 'customer' && row.owner === 'bot' && row.status === 'pending';
  const fresh = await mirrorMessage(tx, integration.tenantId, integration.id, row, { id: event.id, author, content: event.content ?? '', defer: forTheBot });
  if (!fresh) return { status: 'processed' };
  if (author === 'agent' && row.owner === 'bot') {
    // a human wrote to the customer: from now on the bot stays silent in this conversation
    await updateMirror(tx, integration.tenantId, integration.id, conv.id, { owner: 'human' });
    row = { ...row, owner: 'human' };
    await recordActivity(tx, services.bus, integration.tenantId, {
      type: 'chatwoot.taken_over',
      resourceType: 'conversation',
      resourceId: row.conversation_id,
      summary: `An agent replied in Chatwoot conversation ${conv.id}; the bot stays silent`,
    });
  }
  if (forTheBot) return { status: 'processed', botTurn: { conversationId: conv.id } };
  return { status: 'processed' };
}
