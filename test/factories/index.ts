import { randomBytes } from 'node:crypto';
import type { Services } from '../../orchestrator/src/platform/services';
import type { TenantRef } from '../../orchestrator/src/platform/http/context';
import { createTenant } from '../../orchestrator/src/modules/tenants';
import { generateApiKey, platformPrincipal } from '../../orchestrator/src/modules/identity';

const PLATFORM = platformPrincipal();

export const platformContext = (services: Services) => ({ services, requestId: 'test', log: services.log, principal: PLATFORM, tenant: null });

/** A tenant with default config (and its first audit row), through the real command. */
export async function buildTenant(services: Services, overrides: { slug?: string; name?: string } = {}): Promise<TenantRef> {
  const slug = overrides.slug ?? `t-${randomBytes(4).toString('hex')}`;
  const row = await createTenant({ ctx: platformContext(services), slug, name: overrides.name ?? `Tenant ${slug}` });
  return { id: row.id, slug: row.slug, name: row.name, status: row.status };
}

/** An API key of `tenant` with `scopes`; returns the bearer secret and id. */
export async function buildApiKey(
  services: Services,
  tenant: TenantRef,
  options: { scopes?: string[]; expiresAt?: Date; revoked?: boolean } = {},
): Promise<{ key: string; id: string }> {
  const g = generateApiKey();
  const r = await services.db.withTenant(tenant.id, (tx) =>
    tx.query<{ id: string }>(
      `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes, expires_at, revoked_at, created_by)
       VALUES ($1, 'test key', $2, $3, $4, $5, $6, 'test') RETURNING id`,
      [tenant.id, g.prefix, g.hash, options.scopes ?? ['tenant_admin'], options.expiresAt ?? null, options.revoked ? new Date() : null],
    ),
  );
  return { key: g.key, id: r.rows[0]!.id };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
