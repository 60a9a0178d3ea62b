import { AppError } from '../../../platform/errors';
import type { Tx } from '../../../platform/db';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { emitWebhookEvent } from '../../webhooks';
import { ownerRefOf } from '../access';
import { insertConversation, type ConversationRow } from '../conversation-store';

export interface CreateConversationInput {
  channel: string;
  title?: string | null;
  externalId?: string | null;
  metadata?: Record<string, unknown>;
  endUser?: string | null;
}

/** Inside a caller's transaction (the chat turn opens conversations as part of its first write). */
export async function createConversationIn(tx: Tx, ctx: TenantContext, input: CreateConversationInput): Promise<ConversationRow> {
  const row = await insertConversation(tx, ctx.tenant.id, {
    channel: input.channel,
    ownerRef: ownerRefOf(ctx.principal, input.endUser),
    title: input.title,
    externalId: input.externalId,
    metadata: input.metadata,
  }).catch((error: { code?: string }) => {
    if (error.code === '23505') throw new AppError('ALREADY_EXISTS', `A ${input.channel} conversation with external_id "${input.externalId}" already exists`);
    throw error;
  });
  await recordAudit(tx, ctx.tenant.id, {
    action: 'conversation.created',
    actor: actorOf(ctx.principal),
    resource: { type: 'conversation', id: row.id },
    data: { channel: row.channel },
    requestId: ctx.requestId,
  });
  await emitWebhookEvent(tx, ctx.tenant.id, 'conversation.created', { conversation_id: row.id, channel: row.channel, external_id: row.external_id });
  return row;
}

export async function createConversation({ ctx, ...input }: CreateConversationInput & { ctx: TenantContext }): Promise<ConversationRow> {
  return ctx.services.db.withTenant(ctx.tenant.id, (tx) => createConversationIn(tx, ctx, input));
}
