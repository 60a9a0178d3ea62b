import { AppError } from '../../../platform/errors';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { adminClient, forgetIntegration, readIntegration } from '../integration-store';

/**
 * Removes an integration: its deliveries stop verifying at once (the row and its secrets are gone), and what
 * Atrium created in Chatwoot (its bot, its account webhook) is removed best-effort — a Chatwoot that is down
 * must not keep a tenant from disconnecting. Mirrored conversations stay in Atrium under retention.
 */
export async function disconnectIntegration({ ctx, id }: { ctx: TenantContext; id: string }): Promise<{ chatwoot_cleanup: string[] }> {
  const { services } = ctx;
  const integration = await services.db.withTenant(ctx.tenant.id, async (tx) => {
    const found = await readIntegration(services, tx, ctx.tenant.id, id);
    if (!found) throw new AppError('NOT_FOUND', 'Chatwoot integration was not found');
    await tx.query('DELETE FROM integrations WHERE tenant_id = $1 AND id = $2', [ctx.tenant.id, id]);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'integration.deleted',
      actor: actorOf(ctx.principal),
      resource: { type: 'integration', id },
      data: { kind: 'chatwoot', account_id: found.config.account_id },
      requestId: ctx.requestId,
    });
    await recordActivity(tx, services.bus, ctx.tenant.id, {
      type: 'integration.disconnected',
      actor: ctx.principal.subject,
      resourceType: 'integration',
      resourceId: id,
      summary: `Chatwoot account ${found.config.account_id} disconnected`,
    });
    return found;
  });
  forgetIntegration(services, id);

  const cleanup: string[] = [];
  const admin = adminClient(services, integration);
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
      cleanup.push(`${what}: removed`);
    } catch (error) {
      cleanup.push(`${what}: left in Chatwoot (${(error as Error).message})`);
    }
  };
  if (admin && integration.externalIds.created_bot && integration.externalIds.agent_bot_id !== null) {
    await attempt('agent bot', () => admin.deleteAgentBot(integration.externalIds.agent_bot_id!));
  }
  if (admin && integration.externalIds.webhook_id !== null) await attempt('account webhook', () => admin.deleteWebhook(integration.externalIds.webhook_id!));
  return { chatwoot_cleanup: cleanup };
}
