import type { Tx } from '../../../platform/db';
import { channelLabel, handoffs } from '../../../platform/metrics';
import type { TenantContext } from '../../../platform/http/context';
import { recordActivity } from '../../activity';
import { actorOf, recordAudit } from '../../audit';
import { emitWebhookEvent } from '../../webhooks';
import { assertManageable } from '../access';
import { findConversation, updateConversationState, type ConversationRow } from '../conversation-store';

export type EscalationReason = 'requested' | 'human_request' | 'topic' | 'no_answer' | 'model_failure' | 'safety';

/** Bus event the channel integrations (Chatwoot handoff, widget) listen to after commit. */
export const CONVERSATION_ESCALATED = 'conversation.escalated';

/**
 * Hands a conversation to humans inside the caller's transaction: status escalated, owner human (the bot
 * stops answering), an audit row, a timeline entry, and, once committed, a live event for the channels.
 * Escalating an already escalated conversation changes nothing and records nothing.
 */
export async function escalateIn(
  tx: Tx,
  ctx: TenantContext,
  conversation: ConversationRow,
  escalation: { reason: EscalationReason; note?: string },
): Promise<ConversationRow> {
  if (conversation.status === 'escalated' && conversation.owner === 'human') return conversation;
  const row = await updateConversationState(tx, ctx.tenant.id, conversation.id, {
    status: 'escalated',
    owner: 'human',
    metadata: { escalation: { reason: escalation.reason, at: new Date().toISOString() } },
  });
  await recordAudit(tx, ctx.tenant.id, {
    action: 'conversation.escalated',
    actor: actorOf(ctx.principal),
    resource: { type: 'conversation', id: row.id },
    data: { reason: escalation.reason, channel: row.channel },
    requestId: ctx.requestId,
  });
  await emitWebhookEvent(tx, ctx.tenant.id, 'conversation.escalated', { conversation_id: row.id, channel: row.channel, reason: escalation.reason });
  await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
    type: CONVERSATION_ESCALATED,
    actor: actorOf(ctx.principal).ref,
    resourceType: 'conversation',
    resourceId: row.id,
    summary: `Conversation handed to a human (${escalation.reason.replace('_', ' ')})`,
    data: { reason: escalation.reason, channel: row.channel },
  });
  const event = { conversationId: row.id, channel: row.channel, externalId: row.external_id, reason: escalation.reason, note: escalation.note ?? null };
  tx.afterCommit(() => {
    // Counted once committed (a rolled-back handoff never happened), and only here: every handoff comes through escalateIn.
    handoffs.inc({ channel: channelLabel(row.channel), reason: escalation.reason });
    ctx.services.bus.publish({ tenantId: ctx.tenant.id, type: CONVERSATION_ESCALATED, data: event });
  });
  return row;
}

export async function escalateConversation({
  ctx,
  id,
  reason,
  endUser,
}: {
  ctx: TenantContext;
  id: string;
  reason?: string;
  endUser?: string;
}): Promise<ConversationRow> {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const conversation = assertManageable(ctx, await findConversation(tx, ctx.tenant.id, id, { forUpdate: true }), endUser);
    return escalateIn(tx, ctx, conversation, { reason: 'requested', note: reason });
  });
}
