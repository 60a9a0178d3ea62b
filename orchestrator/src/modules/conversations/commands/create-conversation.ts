import { randomUUID } from 'node:crypto';
import { AppError } from '../../../platform/errors';
import type { Tx } from '../../../platform/db';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, auditAppend, recordAudit, type AuditEvent } from '../../audit';
import { emitWebhookEvent, webhookOutboxPart } from '../../webhooks';
import { ownerRefOf } from '../access';
import { insertConversation, insertConversationWithMessage, type ConversationRow, type FirstMessage, type MessageRow } from '../conversation-store';

export interface CreateConversationInput {
  channel: string;
  title?: string | null;
  externalId?: string | null;
  metadata?: Record<string, unknown>;
  endUser?: string | null;
}

/** Inside a caller's transaction (the chat turn opens conversations as part of its first write). */
export async function createConversationIn(tx: Tx, ctx: TenantContext, input: CreateConversationInput): Promise<ConversationRow> {
  const row = await insertConversation(tx, ctx.tenant.id, newConversation(ctx, input)).catch(duplicateExternalId(input));
  await recordAudit(tx, ctx.tenant.id, createdAudit(ctx, row));
  await emitWebhookEvent(tx, ctx.tenant.id, 'conversation.created', createdEvent(row));
  return row;
}

/**
 * A new conversation with its first message (a chat turn's opening write): the conversation, the message and the
 * conversation.created outbox rows are one statement, and so is the audit row when the chain head is at hand.
 */
export async function openConversationWithMessage(
  tx: Tx,
  ctx: TenantContext,
  input: CreateConversationInput,
  message: FirstMessage,
): Promise<{ conversation: ConversationRow; message: MessageRow }> {
  const conversation = { ...newConversation(ctx, input), id: randomUUID() };
  const row = { id: conversation.id, channel: conversation.channel, external_id: conversation.externalId ?? null };
  const outbox = webhookOutboxPart(ctx.tenant.id, 'conversation.created', createdEvent(row));
  // in an audited transaction (auditedTransaction) the audit row rides along too: the whole opening is one statement
  const audit = auditAppend(tx, ctx.tenant.id, [createdAudit(ctx, row)]);
  const opened = await insertConversationWithMessage(tx, ctx.tenant.id, conversation, message, audit ? [outbox, audit] : [outbox]).catch(
    duplicateExternalId(input),
  );
  if (audit) audit.appended();
  else await recordAudit(tx, ctx.tenant.id, createdAudit(ctx, row));
  return opened;
}

const newConversation = (ctx: TenantContext, input: CreateConversationInput) => ({
  channel: input.channel,
  ownerRef: ownerRefOf(ctx.principal, input.endUser),
  title: input.title,
  externalId: input.externalId,
  metadata: input.metadata,
});

const createdEvent = (row: Pick<ConversationRow, 'id' | 'channel' | 'external_id'>) => ({
  conversation_id: row.id,
  channel: row.channel,
  external_id: row.external_id,
});

const duplicateExternalId =
  (input: CreateConversationInput) =>
  (error: { code?: string }): never => {
    if (error.code === '23505') throw new AppError('ALREADY_EXISTS', `A ${input.channel} conversation with external_id "${input.externalId}" already exists`);
    throw error;
  };

function createdAudit(ctx: TenantContext, row: Pick<ConversationRow, 'id' | 'channel'>): AuditEvent {
  return {
    action: 'conversation.created',
    actor: actorOf(ctx.principal),
    resource: { type: 'conversation', id: row.id },
    data: { channel: row.channel },
    requestId: ctx.requestId,
  };
}

export async function createConversation({ ctx, ...input }: CreateConversationInput & { ctx: TenantContext }): Promise<ConversationRow> {
  return ctx.services.db.withTenant(ctx.tenant.id, (tx) => createConversationIn(tx, ctx, input));
}
