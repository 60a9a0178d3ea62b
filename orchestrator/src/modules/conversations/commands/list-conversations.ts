import type { TenantContext } from '../../../platform/http/context';
import { ownerRefOf, seesAll } from '../access';
import { findConversation, listConversationRows, recentMessages, type ConversationRow, type MessageRow } from '../conversation-store';
import { assertVisible } from '../access';

/** Newest first; staff see the whole tenant, everyone else their own conversations. */
export async function listConversations({
  ctx,
  limit,
  before,
  status,
  endUser,
}: {
  ctx: TenantContext;
  limit: number;
  before?: string;
  status?: string;
  endUser?: string;
}): Promise<{ rows: ConversationRow[]; nextBefore: string | null }> {
  const ownerRef = seesAll(ctx) && !endUser ? undefined : ownerRefOf(ctx.principal, endUser);
  const rows = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
    listConversationRows(tx, ctx.tenant.id, { ownerRef, status, before: before ? new Date(before) : undefined, limit }),
  );
  const last = rows.at(-1);
  return { rows, nextBefore: rows.length === limit && last ? new Date(last.updated_at).toISOString() : null };
}

/** A conversation with its latest messages (oldest first), if the caller may see it. */
export async function getConversation({
  ctx,
  id,
  endUser,
  messageLimit = 200,
}: {
  ctx: TenantContext;
  id: string;
  endUser?: string;
  messageLimit?: number;
}): Promise<{
  conversation: ConversationRow;
  messages: MessageRow[];
}> {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const conversation = assertVisible(ctx, await findConversation(tx, ctx.tenant.id, id), endUser);
    return { conversation, messages: await recentMessages(tx, ctx.tenant.id, id, messageLimit) };
  });
}
