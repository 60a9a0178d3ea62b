import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { AppError } from '../../platform/errors';
import { recordActivity } from '../activity';
import { findConversation, insertMessage, presentMessage } from '../conversations';

/**
 * How a workflow reports back: an n8n workflow that finished something asynchronously (a ticket got an
 * answer, a parcel was found) posts the result into the customer's conversation, as the assistant or as a
 * note from an agent. Used by the Atrium community node ("Post to Conversation").
 */
const body = z.strictObject({
  content: z.string().trim().min(1).max(8000),
  role: z.enum(['assistant', 'agent']).default('assistant').describe('assistant: shown as the bot; agent: as a human team member.'),
});

export const conversationPostRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/conversations/:id/messages',
    summary: 'Post a message into a conversation (workflows reporting back)',
    tags: ['conversations'],
    auth: 'tenant',
    permission: 'conversations:manage',
    params: z.object({ id: z.uuid() }),
    body,
    status: 201,
    response: z.object({ id: z.string(), conversation_id: z.string(), role: z.string(), content: z.string(), created_at: z.string() }),
    handler: async ({ ctx, params, body: input }) => {
      const message = await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
        if (!(await findConversation(tx, ctx.tenant.id, params.id))) throw new AppError('NOT_FOUND', 'Conversation was not found');
        const row = await insertMessage(tx, ctx.tenant.id, { conversationId: params.id, role: input.role, content: input.content });
        await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
          type: 'conversation.message_posted',
          actor: ctx.principal.subject,
          resourceType: 'conversation',
          resourceId: params.id,
          summary: `A workflow posted a${input.role === 'agent' ? 'n agent' : 'n assistant'} message`,
        });
        tx.afterCommit(() =>
          ctx.services.bus.publish({
            tenantId: ctx.tenant.id,
            type: 'conversation.message',
            data: { conversation_id: params.id, message_id: row.id, role: row.role },
          }),
        );
        return row;
      });
      const { id, role, content, created_at } = presentMessage(message);
      return { id, conversation_id: params.id, role, content, created_at };
    },
  }),
];
