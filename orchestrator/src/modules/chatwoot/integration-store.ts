import { ChatwootClient } from '@atrium/connectors/chatwoot';
import type { Queryable } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Services } from '../../platform/services';
import { storedConfig, storedExternalIds, storedSecrets, type StoredConfig, type StoredExternalIds, type StoredSecrets } from './chatwoot.schema';

/**
 * Loads a Chatwoot integration (config + decrypted secrets) and builds its API clients. The inbound endpoint
 * runs this on every delivery, so results are cached per process for a few seconds: decrypting and parsing on
 * each of 200 deliveries/s would dominate the acknowledgement time. Writes call `forgetIntegration`.
 */
export interface ChatwootIntegration {
  id: string;
  tenantId: string;
  name: string;
  status: 'active' | 'disabled' | 'error';
  config: StoredConfig;
  externalIds: StoredExternalIds;
  secrets: StoredSecrets;
  createdAt: Date;
}

export interface IntegrationRow {
  id: string;
  tenant_id: string;
  name: string;
  status: 'active' | 'disabled' | 'error';
  config: unknown;
  external_ids: unknown;
  secrets_sealed: string | null;
  created_at: Date;
}

const CACHE_TTL_MS = 5_000;
const caches = new WeakMap<Services, Map<string, { value: ChatwootIntegration; expires: number }>>();
const tenantOf = new WeakMap<Services, Map<string, string | null>>();

function cacheFor(services: Services) {
  let cache = caches.get(services);
  if (!cache) caches.set(services, (cache = new Map()));
  return cache;
}

export function decodeIntegration(services: Services, row: IntegrationRow): ChatwootIntegration {
  if (!row.secrets_sealed) throw new AppError('INTERNAL', 'The Chatwoot integration has no stored credentials');
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    status: row.status,
    createdAt: row.created_at,
    config: storedConfig.parse(row.config),
    externalIds: storedExternalIds.parse(row.external_ids ?? {}),
    secrets: storedSecrets.parse(JSON.parse(services.secrets.decrypt(row.secrets_sealed))),
  };
}

export const INTEGRATION_COLUMNS = 'id, tenant_id, name, status, config, external_ids, secrets_sealed, created_at';

export async function readIntegration(services: Services, tx: Queryable, tenantId: string, id: string): Promise<ChatwootIntegration | null> {
  const r = await tx.query<IntegrationRow>(`SELECT ${INTEGRATION_COLUMNS} FROM integrations WHERE tenant_id = $1 AND id = $2 AND kind = 'chatwoot'`, [
    tenantId,
    id,
  ]);
  return r.rows[0] ? decodeIntegration(services, r.rows[0]) : null;
}

export type ChatwootAccount = Pick<ChatwootIntegration, 'id' | 'name' | 'status' | 'config'>;

/** The tenant's Chatwoot accounts, oldest first; nothing is decrypted to list them. */
export async function listAccounts(tx: Queryable, tenantId: string): Promise<ChatwootAccount[]> {
  const r = await tx.query<Pick<IntegrationRow, 'id' | 'name' | 'status' | 'config'>>(
    `SELECT id, name, status, config FROM integrations WHERE tenant_id = $1 AND kind = 'chatwoot' ORDER BY created_at, id`,
    [tenantId],
  );
  return r.rows.map((row) => ({ id: row.id, name: row.name, status: row.status, config: storedConfig.parse(row.config) }));
}

/** The tenant an integration id belongs to, found before any tenant is known (SECURITY DEFINER look-up). */
export async function integrationTenant(services: Services, integrationId: string): Promise<string | null> {
  let map = tenantOf.get(services);
  if (!map) tenantOf.set(services, (map = new Map()));
  if (map.has(integrationId)) return map.get(integrationId) ?? null;
  const r = await services.db.query<{ tenant_id: string | null }>(`SELECT atrium_integration_tenant($1, 'chatwoot') AS tenant_id`, [integrationId]);
  const tenantId = r.rows[0]?.tenant_id ?? null;
  if (tenantId) map.set(integrationId, tenantId); // an id never moves to another tenant; unknown ids are not cached
  return tenantId;
}

export async function loadIntegration(services: Services, tenantId: string, id: string): Promise<ChatwootIntegration> {
  const cache = cacheFor(services);
  const hit = cache.get(id);
  if (hit && hit.expires > Date.now() && hit.value.tenantId === tenantId) return hit.value;
  const value = await services.db.withTenant(tenantId, (tx) => readIntegration(services, tx, tenantId, id));
  if (!value) throw new AppError('NOT_FOUND', 'Chatwoot integration was not found');
  cache.set(id, { value, expires: Date.now() + CACHE_TTL_MS });
  return value;
}

export function forgetIntegration(services: Services, id: string): void {
  cacheFor(services).delete(id);
  tenantOf.get(services)?.delete(id);
}

/** Bot-token client: replies, typing, handoff (the agent-bot allow-list, README §0). */
export function botClient(services: Services, integration: ChatwootIntegration): ChatwootClient {
  return new ChatwootClient({
    baseUrl: integration.config.base_url,
    accountId: integration.config.account_id,
    token: integration.secrets.bot_token,
    timeoutMs: services.config.CHATWOOT_TIMEOUT_MS,
    onRetry: ({ what, attempt, delayMs, error }) =>
      services.log.warn({ integration: integration.id, what, attempt, delayMs, code: error.code }, 'chatwoot call retried'),
  });
}

/** Administrator-token client, when the tenant gave one (bot setup, agent provisioning). */
export function adminClient(services: Services, integration: ChatwootIntegration): ChatwootClient | null {
  if (!integration.secrets.admin_token) return null;
  return new ChatwootClient({
    baseUrl: integration.config.base_url,
    accountId: integration.config.account_id,
    token: integration.secrets.admin_token,
    timeoutMs: services.config.CHATWOOT_TIMEOUT_MS,
  });
}

/**
 * The administrator-token client of an active integration, or why there is none: for work outside this module that
 * must act in the tenant's Chatwoot account (a data-subject request deleting a customer's contact).
 */
export async function activeAdminClient(services: Services, tenantId: string, id: string): Promise<ChatwootClient | string> {
  // read fresh, not through the turn cache: this runs rarely and must see a disconnect made a moment ago
  const integration = await services.db.withTenant(tenantId, (tx) => readIntegration(services, tx, tenantId, id));
  if (!integration || integration.status !== 'active') return `integration ${id} is not an active Chatwoot integration`;
  return adminClient(services, integration) ?? `integration ${id} has no administrator token`;
}
