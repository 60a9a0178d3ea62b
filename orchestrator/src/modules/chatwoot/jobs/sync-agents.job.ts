import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { syncAgents } from '../commands/sync-agents';

/** Periodic Keycloak → Chatwoot agent sync for every integration that asked for it. */
export async function syncAllAgents(services: Services): Promise<void> {
  const tenants = await services.db.query<{ id: string }>(`SELECT id FROM tenants WHERE status = 'active'`);
  for (const { id: tenantId } of tenants.rows) {
    const integrations = await services.db.withTenant(tenantId, (tx) =>
      tx.query<{ id: string }>(
        `SELECT id FROM integrations WHERE tenant_id = $1 AND kind = 'chatwoot' AND status = 'active' AND (config->>'provision_agents')::boolean`,
        [tenantId],
      ),
    );
    for (const { id } of integrations.rows) {
      await syncAgents(services, tenantId, id).catch((error: unknown) => services.log.warn({ err: error, integration: id }, 'chatwoot agent sync failed'));
    }
  }
}

export const syncAgentsJob = defineJob({
  name: 'chatwoot.sync-agents',
  payload: z.object({}),
  attempts: 1,
  handler: async (_p, { services }) => syncAllAgents(services),
});
