import { isChatwootError, type ChatwootAgent } from '@atrium/connectors/chatwoot';
import { AppError } from '../../../platform/errors';
import type { Services } from '../../../platform/services';
import { recordActivity } from '../../activity';
import { adminClient, loadIntegration } from '../integration-store';

/**
 * Keycloak → Chatwoot, downward only: tenant members with the `agent` role (memberships are kept in sync from
 * Keycloak by the identity module) become agents of the mapped Chatwoot account through the Agents API; agents
 * Atrium created are removed when the role or membership goes away. Agents that already existed in Chatwoot
 * are adopted but never removed (`chatwoot_agent_id` stays NULL for them), so hand-made accounts are safe.
 */
export interface AgentSyncResult {
  created: number;
  removed: number;
  unchanged: number;
  failed: number;
}

interface DesiredAgent {
  user_id: string;
  email: string;
  name: string | null;
}
interface ProvisionedAgent {
  user_id: string;
  email: string;
  chatwoot_agent_id: string | null;
  status: string;
}

export async function syncAgents(services: Services, tenantId: string, integrationId: string): Promise<AgentSyncResult> {
  const integration = await loadIntegration(services, tenantId, integrationId);
  const admin = adminClient(services, integration);
  if (!admin) throw new AppError('VALIDATION', 'Agent provisioning needs the integration to hold a Chatwoot administrator token');
  const { desired, provisioned } = await services.db.withTenant(tenantId, async (tx) => ({
    desired: (
      await tx.query<DesiredAgent>(
        `SELECT u.id AS user_id, lower(u.email) AS email, u.name FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.tenant_id = $1 AND 'agent' = ANY(m.roles) AND u.email IS NOT NULL`,
        [tenantId],
      )
    ).rows,
    provisioned: (
      await tx.query<ProvisionedAgent>(`SELECT user_id, email, chatwoot_agent_id, status FROM chatwoot_agents WHERE tenant_id = $1 AND integration_id = $2`, [
        tenantId,
        integrationId,
      ])
    ).rows,
  }));
  const existing = new Map<string, ChatwootAgent>((await admin.listAgents()).map((a) => [a.email.toLowerCase(), a]));
  const known = new Map(provisioned.map((p) => [p.user_id, p]));
  const wanted = new Set(desired.map((d) => d.user_id));
  const result: AgentSyncResult = { created: 0, removed: 0, unchanged: 0, failed: 0 };
  const record = (userId: string, email: string, agentId: number | null, status: string, error: string | null) =>
    services.db.withTenant(tenantId, (tx) =>
      tx.query(
        `INSERT INTO chatwoot_agents (tenant_id, integration_id, user_id, email, chatwoot_agent_id, status, last_error) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, integration_id, user_id) DO UPDATE SET email = $4, chatwoot_agent_id = coalesce($5, chatwoot_agents.chatwoot_agent_id), status = $6, last_error = $7, updated_at = now()`,
        [tenantId, integrationId, userId, email, agentId, status, error],
      ),
    );

  for (const person of desired) {
    const mine = known.get(person.user_id);
    if (mine?.status === 'active' && existing.has(person.email)) {
      result.unchanged++;
      continue;
    }
    const inChatwoot = existing.get(person.email);
    if (inChatwoot && !mine) {
      await record(person.user_id, person.email, null, 'active', null);
      result.unchanged++;
      continue;
    } // adopted
    try {
      const agent = await admin.createAgent({ name: person.name ?? person.email, email: person.email, role: 'agent' });
      await record(person.user_id, person.email, agent.id, 'active', null);
      result.created++;
    } catch (error) {
      await record(person.user_id, person.email, null, 'failed', isChatwootError(error) ? (error.upstreamMessage ?? error.message) : String(error));
      result.failed++;
    }
  }
  for (const p of provisioned) {
    if (wanted.has(p.user_id) || p.status !== 'active') continue;
    if (p.chatwoot_agent_id === null) {
      await record(p.user_id, p.email, null, 'removed', null);
      continue;
    } // adopted: stays in Chatwoot
    try {
      await admin.deleteAgent(Number(p.chatwoot_agent_id));
      await record(p.user_id, p.email, null, 'removed', null);
      result.removed++;
    } catch (error) {
      if (isChatwootError(error) && error.code === 'UPSTREAM_NOT_FOUND') {
        await record(p.user_id, p.email, null, 'removed', null);
        result.removed++;
        continue;
      }
      result.failed++;
    }
  }
  if (result.created || result.removed || result.failed) {
    await services.db.withTenant(tenantId, (tx) =>
      recordActivity(tx, services.bus, tenantId, {
        type: 'chatwoot.agents_synced',
        resourceType: 'integration',
        resourceId: integrationId,
        summary: `Chatwoot agents synced: ${result.created} added, ${result.removed} removed, ${result.failed} failed`,
        data: { ...result },
      }),
    );
  }
  return result;
}
