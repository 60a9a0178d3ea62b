import { randomUUID } from 'node:crypto';
import { assertOutboundUrl, BlockedDestinationError, InvalidUrlError } from '@atrium/connectors/http';
import { ChatwootClient, isChatwootError } from '@atrium/connectors/chatwoot';
import { AppError } from '../../../platform/errors';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import type { ConnectBody, StoredConfig, StoredExternalIds, StoredSecrets } from '../chatwoot.schema';
import { dashboardAppUrl, webhookUrl } from '../chatwoot.presenter';

/**
 * Connects a tenant to a Chatwoot account. With an administrator token Atrium creates its own agent bot
 * (outgoing_url = this integration's events URL), reads the bot's token and secret once, attaches it to the
 * chosen inboxes, and registers an account webhook for sync plus the Dashboard App. With a bot token it uses
 * the existing bot. Credentials are verified against Chatwoot before anything is stored.
 */
const SYNC_EVENTS = ['conversation_created', 'conversation_status_changed', 'conversation_updated', 'message_created'];

function upstreamProblem(error: unknown, step: string): AppError {
  if (isChatwootError(error)) {
    const code = error.code === 'UPSTREAM_UNAUTHORIZED' ? 'VALIDATION' : error.retryable ? 'UPSTREAM_UNAVAILABLE' : 'UNPROCESSABLE';
    return new AppError(code, `Chatwoot refused ${step}: ${error.upstreamMessage ?? error.message}`, { cause: error });
  }
  return new AppError('UPSTREAM_UNAVAILABLE', `Chatwoot could not be reached for ${step}`, { cause: error });
}

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw upstreamProblem(error, name);
  }
}

export async function connectIntegration({ ctx, input }: { ctx: TenantContext; input: ConnectBody }) {
  const { services } = ctx;
  let baseUrl: string;
  try {
    baseUrl = assertOutboundUrl(input.base_url, { allowPrivateNetworks: services.config.OUTBOUND_ALLOW_PRIVATE_NETWORKS }).toString().replace(/\/+$/, '');
  } catch (error) {
    if (error instanceof BlockedDestinationError || error instanceof InvalidUrlError) throw new AppError('VALIDATION', `base_url: ${error.message}`);
    throw error;
  }
  const id = randomUUID();
  const eventsUrl = webhookUrl(services.config.publicUrl, id);
  const client = (token: string) => new ChatwootClient({ baseUrl, accountId: input.account_id, token, timeoutMs: services.config.CHATWOOT_TIMEOUT_MS });
  const externalIds: StoredExternalIds = { agent_bot_id: null, created_bot: false, webhook_id: null, dashboard_app_id: null };
  let secrets: StoredSecrets;

  if (input.admin_token) {
    const admin = client(input.admin_token);
    const profile = await step('the administrator token', () => admin.getProfile());
    const membership = profile.accounts.find((a) => a.id === input.account_id);
    if (membership?.role !== 'administrator')
      throw new AppError('VALIDATION', `admin_token: the user is not an administrator of Chatwoot account ${input.account_id}`);
    const bot = input.bot_token
      ? null
      : await step('creating the agent bot', () => admin.createAgentBot({ name: 'Atrium', description: 'AI front desk by Atrium', outgoingUrl: eventsUrl }));
    if (bot && !bot.access_token) throw new AppError('UNPROCESSABLE', "Chatwoot did not return the new bot's access token");
    externalIds.agent_bot_id = bot?.id ?? null;
    externalIds.created_bot = !!bot;
    for (const inboxId of bot ? input.inbox_ids : []) await step(`attaching the bot to inbox ${inboxId}`, () => admin.setInboxAgentBot(inboxId, bot!.id));
    const hook = input.subscribe_account_webhook
      ? await step('registering the account webhook', () => admin.createWebhook({ url: eventsUrl, name: 'Atrium sync', subscriptions: SYNC_EVENTS }))
      : null;
    externalIds.webhook_id = hook?.id ?? null;
    const app = await step('registering the Dashboard App', () =>
      admin.createDashboardApp({ title: 'Atrium', url: dashboardAppUrl(services.config.publicUrl, id) }),
    );
    externalIds.dashboard_app_id = app.id;
    secrets = {
      bot_token: input.bot_token ?? bot!.access_token!,
      bot_secret: input.bot_secret ?? bot?.secret ?? null,
      webhook_secret: hook?.secret ?? null,
      admin_token: input.admin_token,
    };
  } else {
    secrets = { bot_token: input.bot_token!, bot_secret: input.bot_secret ?? null, webhook_secret: null, admin_token: null };
  }
  // A bot token can read a conversation but not list anything; probing conversation 0 tells a bad token (401)
  // from a good one (404) without touching data.
  await client(secrets.bot_token)
    .getConversation(0)
    .catch((error: unknown) => {
      if (isChatwootError(error) && error.code === 'UPSTREAM_NOT_FOUND') return;
      throw upstreamProblem(error, 'the bot token');
    });

  const config: StoredConfig = {
    base_url: baseUrl,
    account_id: input.account_id,
    allow_unsigned: input.allow_unsigned,
    inbox_ids: input.inbox_ids,
    provision_agents: input.provision_agents && !!input.admin_token,
  };
  return services.db.withTenant(ctx.tenant.id, async (tx) => {
    await tx.query(`INSERT INTO integrations (tenant_id, id, kind, name, external_ids, config, secrets_sealed) VALUES ($1, $2, 'chatwoot', $3, $4, $5, $6)`, [
      ctx.tenant.id,
      id,
      input.name,
      JSON.stringify(externalIds),
      JSON.stringify(config),
      services.secrets.encrypt(JSON.stringify(secrets)),
    ]);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'integration.created',
      actor: actorOf(ctx.principal),
      resource: { type: 'integration', id },
      data: {
        kind: 'chatwoot',
        account_id: input.account_id,
        agent_bot_id: externalIds.agent_bot_id,
        inbox_ids: input.inbox_ids,
        allow_unsigned: input.allow_unsigned,
      },
      requestId: ctx.requestId,
    });
    await recordActivity(tx, services.bus, ctx.tenant.id, {
      type: 'integration.connected',
      actor: ctx.principal.subject,
      resourceType: 'integration',
      resourceId: id,
      summary: `Chatwoot account ${input.account_id} connected`,
    });
    return { id, webhook_url: eventsUrl, agent_bot_id: externalIds.agent_bot_id, dashboard_app_url: dashboardAppUrl(services.config.publicUrl, id) };
  });
}
