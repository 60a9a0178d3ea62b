import { defineRoute } from '../../platform/http/route';
import { createConversation } from './commands/create-conversation';
import { deleteConversation } from './commands/delete-conversation';
import { escalateConversation } from './commands/escalate-conversation';
import { getConversation, listConversations } from './commands/list-conversations';
import { presentConversation, presentMessage } from './conversations.presenter';
import {
  conversationDetailSchema,
  conversationListSchema,
  conversationParams,
  conversationSchema,
  createConversationBody,
  endUserQuery,
  escalateBody,
  listConversationsQuery,
} from './conversations.schema';

const tags = ['conversations'];

export const conversationRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/conversations',
    summary: 'List conversations, newest first (staff see the whole tenant, others their own)',
    tags,
    auth: 'tenant',
    permission: 'conversations:read',
    query: listConversationsQuery,
    response: conversationListSchema,
    handler: async ({ ctx, query }) => {
      const page = await listConversations({ ctx, limit: query.limit, before: query.before, status: query.status, endUser: query.user });
      return { items: page.rows.map((row) => presentConversation(ctx, row)), next_before: page.nextBefore };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/conversations',
    summary: 'Start a conversation',
    tags,
    auth: 'tenant',
    permission: 'conversations:write',
    body: createConversationBody,
    response: conversationSchema,
    status: 201,
    handler: async ({ ctx, body }) =>
      presentConversation(
        ctx,
        await createConversation({ ctx, channel: body.channel, title: body.title, externalId: body.external_id, metadata: body.metadata, endUser: body.user }),
      ),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/conversations/:id',
    summary: 'A conversation with its messages, citations, usage and safety flags',
    tags,
    auth: 'tenant',
    permission: 'conversations:read',
    params: conversationParams,
    query: endUserQuery,
    response: conversationDetailSchema,
    handler: async ({ ctx, params, query }) => {
      const { conversation, messages } = await getConversation({ ctx, id: params.id, endUser: query.user });
      return { ...presentConversation(ctx, conversation), messages: messages.map(presentMessage) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/conversations/:id',
    summary: 'Delete a conversation and all its messages',
    tags,
    auth: 'tenant',
    permission: 'conversations:write',
    params: conversationParams,
    query: endUserQuery,
    handler: async ({ ctx, params, query }) => {
      await deleteConversation({ ctx, id: params.id, endUser: query.user });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/conversations/:id/escalate',
    summary: 'Hand the conversation to a human agent (the bot stops answering it)',
    tags,
    auth: 'tenant',
    permission: 'conversations:write',
    params: conversationParams,
    body: escalateBody,
    response: conversationSchema,
    handler: async ({ ctx, params, body }) =>
      presentConversation(ctx, await escalateConversation({ ctx, id: params.id, reason: body.reason, endUser: body.user })),
  }),
];
