import { grantedAbilities } from '../../platform/http/abilities';
import type { TenantContext } from '../../platform/http/context';
import type { ChatwootAccount, ChatwootIntegration } from './integration-store';

/** Allowlisted output of the Chatwoot bridge: secrets and tokens never appear here. */
const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Where Chatwoot posts agent-bot events and account webhooks for this integration. */
export const webhookUrl = (publicUrl: string, integrationId: string) => `${trimSlash(publicUrl)}/v1/integrations/chatwoot/${integrationId}/events`;

/**
 * The Dashboard App frame Chatwoot embeds next to "Messages". The shell serves this page (same origin as the
 * API behind the usual reverse proxy); it reads Chatwoot's `appContext` message and calls the panel endpoint.
 */
export const dashboardAppUrl = (publicUrl: string, integrationId: string) => `${trimSlash(publicUrl)}/chatwoot/panel?integration=${integrationId}`;

/** DELETE /v1/integrations/chatwoot/:id and POST …/:id/agents/sync, each guarded by its route's permission. */
const INTEGRATION_GUARDS = { disconnect: 'integrations:manage', sync_agents: 'integrations:manage' } as const;

export function presentIntegration(ctx: TenantContext, integration: ChatwootIntegration) {
  const publicUrl = ctx.services.config.publicUrl;
  return {
    id: integration.id,
    name: integration.name,
    status: integration.status,
    base_url: integration.config.base_url,
    account_id: integration.config.account_id,
    agent_bot_id: integration.externalIds.agent_bot_id,
    inbox_ids: integration.config.inbox_ids,
    allow_unsigned: integration.config.allow_unsigned,
    account_webhook: integration.externalIds.webhook_id !== null,
    provision_agents: integration.config.provision_agents,
    webhook_url: webhookUrl(publicUrl, integration.id),
    dashboard_app_url: dashboardAppUrl(publicUrl, integration.id),
    created_at: new Date(integration.createdAt).toISOString(),
    abilities: grantedAbilities(ctx, INTEGRATION_GUARDS),
  };
}

/** Listed to every reader of conversations (the console's Inbox); only integration managers get abilities. */
export function presentAccount(ctx: TenantContext, account: ChatwootAccount) {
  const { base_url, account_id, inbox_ids } = account.config;
  const abilities = grantedAbilities(ctx, INTEGRATION_GUARDS);
  return { id: account.id, name: account.name, status: account.status, base_url, account_id, inbox_ids, abilities };
}
