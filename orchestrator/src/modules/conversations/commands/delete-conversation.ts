import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { assertManageable } from '../access';
import { deleteConversationRow, findConversation } from '../conversation-store';

/** Deletes the conversation and every message in it; the audit row keeps only ids and a count. */
export async function deleteConversation({ ctx, id, endUser }: { ctx: TenantContext; id: string; endUser?: string }): Promise<void> {
  await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    assertManageable(ctx, await findConversation(tx, ctx.tenant.id, id, { forUpdate: true }), endUser);
    const messages = await deleteConversationRow(tx, ctx.tenant.id, id);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'conversation.deleted',
      actor: actorOf(ctx.principal),
      resource: { type: 'conversation', id },
      data: { messages },
      requestId: ctx.requestId,
    });
  });
}
