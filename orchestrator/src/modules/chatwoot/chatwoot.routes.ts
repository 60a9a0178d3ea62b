import { z } from 'zod';
import { AppError } from '../../platform/errors';
import { defineRoute } from '../../platform/http/route';
import {
  accountsResponse,
  agentSyncResponse,
  connectBody,
  connectResponse,
  deliveryAck,
  eventsParams,
  integrationIdParams,
  integrationResponse,
  panelParams,
  panelResponse,
} from './chatwoot.schema';
import { presentAccount, presentIntegration } from './chatwoot.presenter';
import { connectIntegration } from './commands/connect-integration';
import { disconnectIntegration } from './commands/disconnect-integration';
import { getPanel } from './commands/get-panel';
import { receiveDelivery } from './commands/receive-delivery';
import { syncAgents } from './commands/sync-agents';
import { listAccounts, readIntegration } from './integration-store';

const tags = ['chatwoot'];

export const chatwootRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/integrations/chatwoot',
    summary: 'Connect a Chatwoot account (creates or adopts the agent bot)',
    tags,
    auth: 'tenant',
    permission: 'integrations:manage',
    body: connectBody,
    response: connectResponse,
    status: 201,
    handler: async ({ ctx, body }) => connectIntegration({ ctx, input: body }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/integrations/chatwoot',
    summary: "The tenant's Chatwoot accounts, where its human agents answer (no secrets; the console's Inbox embeds the first active one)",
    tags,
    auth: 'tenant',
    permission: 'conversations:read',
    response: accountsResponse,
    handler: async ({ ctx }) => {
      const accounts = await ctx.services.db.withTenant(ctx.tenant.id, (tx) => listAccounts(tx, ctx.tenant.id), { readOnly: true });
      return { items: accounts.map((a) => presentAccount(ctx, a)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/integrations/chatwoot/:id',
    summary: 'A Chatwoot integration (no secrets)',
    tags,
    auth: 'tenant',
    permission: 'integrations:read',
    params: integrationIdParams,
    response: integrationResponse,
    handler: async ({ ctx, params }) => {
      const found = await ctx.services.db.withTenant(ctx.tenant.id, (tx) => readIntegration(ctx.services, tx, ctx.tenant.id, params.id));
      if (!found) throw new AppError('NOT_FOUND', 'Chatwoot integration was not found');
      return presentIntegration(ctx, found);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/integrations/chatwoot/:id',
    summary: 'Disconnect a Chatwoot account',
    tags,
    auth: 'tenant',
    permission: 'integrations:manage',
    params: integrationIdParams,
    response: z.object({ chatwoot_cleanup: z.array(z.string()) }),
    handler: async ({ ctx, params }) => disconnectIntegration({ ctx, id: params.id }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/integrations/chatwoot/:integrationId/events',
    summary: 'Chatwoot agent-bot events and account webhooks (signed with X-Chatwoot-Signature; acknowledged at once, processed by jobs)',
    tags,
    auth: 'public',
    early: true,
    params: eventsParams,
    response: deliveryAck,
    handler: async ({ ctx, params, req }) =>
      receiveDelivery(ctx.services, { integrationId: params.integrationId, rawBody: req.rawBody, headers: req.headers, body: req.body }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/integrations/chatwoot/:id/conversations/:conversationId/panel',
    summary: "Atrium's view of a Chatwoot conversation for the Dashboard App: handoff reason and summary, citations, suggested replies, pending approvals",
    tags,
    auth: 'tenant',
    permission: 'chatwoot_panel:read',
    params: panelParams,
    response: panelResponse,
    handler: async ({ ctx, params }) => getPanel({ ctx, integrationId: params.id, conversationId: params.conversationId }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/integrations/chatwoot/:id/agents/sync',
    summary: 'Provision tenant users with the agent role as Chatwoot agents now',
    tags,
    auth: 'tenant',
    permission: 'integrations:manage',
    params: integrationIdParams,
    response: agentSyncResponse,
    handler: async ({ ctx, params }) => syncAgents(ctx.services, ctx.tenant.id, params.id),
  }),
];
