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

export function presentIntegration(integration: ChatwootIntegration, publicUrl: string) {
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
  };
}

export function presentAccount(account: ChatwootAccount) {
  const { base_url, account_id, inbox_ids } = account.config;
  return { id: account.id, name: account.name, status: account.status, base_url, account_id, inbox_ids };
}
