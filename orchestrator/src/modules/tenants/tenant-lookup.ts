import type { Db, Queryable } from '../../platform/db';
import type { Principal, TenantRef } from '../../platform/http/context';
import { tenantConfigSchema, defaultTenantConfig, type TenantConfig } from './tenant-config.schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMNS = 'id, slug, name, status';

/** By id or slug; the tenants table is the platform registry, readable without a tenant scope. */
export async function findTenant(db: Queryable, idOrSlug: string): Promise<TenantRef | null> {
  const r = UUID.test(idOrSlug)
    ? await db.query<TenantRef>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1`, [idOrSlug])
    : await db.query<TenantRef>(`SELECT ${COLUMNS} FROM tenants WHERE slug = $1`, [idOrSlug.toLowerCase()]);
  return r.rows[0] ?? null;
}

export async function listTenantsFor(db: Db, principal: Principal): Promise<TenantRef[]> {
  const all = principal.kind === 'platform' || principal.roles.includes('platform_admin');
  const r = all
    ? await db.query<TenantRef>(`SELECT ${COLUMNS} FROM tenants ORDER BY slug`)
    : await db.query<TenantRef>(`SELECT ${COLUMNS} FROM tenants WHERE slug = ANY($1) ORDER BY slug`, [principal.tenants]);
  return r.rows;
}

/** The active configuration (defaults filled in), read inside the caller's tenant transaction. */
export async function activeTenantConfig(tx: Queryable, tenantId: string): Promise<{ version: number; config: TenantConfig }> {
  const r = await tx.query<{ version: number; config: unknown }>('SELECT version, config FROM tenant_config_versions WHERE tenant_id = $1 AND active', [
    tenantId,
  ]);
  const row = r.rows[0];
  if (!row) return { version: 0, config: defaultTenantConfig() };
  return { version: row.version, config: tenantConfigSchema.parse(row.config) };
}

/** Convenience for modules: opens its own tenant transaction. */
export async function getTenantConfig(db: Db, tenantId: string): Promise<{ version: number; config: TenantConfig }> {
  return db.withTenant(tenantId, (tx) => activeTenantConfig(tx, tenantId));
}
