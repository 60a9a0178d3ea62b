import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Services } from '../platform/services';
import { createTenant, findTenant } from '../modules/tenants';
import { generateApiKey, platformPrincipal } from '../modules/identity';
import { actorOf, recordAudit } from '../modules/audit';

const PLATFORM = platformPrincipal();

export interface SeedResult {
  tenantId: string;
  tenantSlug: string;
  /** Only known in embedded mode, where the demo key is kept in the data folder for convenience. */
  demoApiKey?: string;
}

/** Idempotent demo data: tenant "demo" and a tenant-admin API key. */
export async function seedDemo(services: Services): Promise<SeedResult> {
  const ctx = { services, requestId: 'seed', log: services.log, principal: PLATFORM, tenant: null };
  const tenant = (await findTenant(services.db, 'demo')) ?? (await createTenant({ ctx, slug: 'demo', name: 'Demo Company' }));
  const keyFile = join(services.config.ATRIUM_DATA_DIR, 'demo-api-key');
  if (existsSync(keyFile)) return { tenantId: tenant.id, tenantSlug: 'demo', demoApiKey: readFileSync(keyFile, 'utf8').trim() };
  const generated = generateApiKey();
  await services.db.withTenant(tenant.id, async (tx) => {
    const r = await tx.query<{ id: string }>(
      `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes, created_by) VALUES ($1, 'demo admin key', $2, $3, $4, 'seed') RETURNING id`,
      [tenant.id, generated.prefix, generated.hash, ['tenant_admin', 'approver', 'agent']],
    );
    await recordAudit(tx, tenant.id, {
      action: 'api_key.created',
      actor: actorOf(PLATFORM),
      resource: { type: 'api_key', id: r.rows[0]!.id },
      data: { name: 'demo admin key', seeded: true },
    });
  });
  if (services.config.embedded) writeFileSync(keyFile, generated.key, { mode: 0o600 });
  return { tenantId: tenant.id, tenantSlug: 'demo', demoApiKey: generated.key };
}
