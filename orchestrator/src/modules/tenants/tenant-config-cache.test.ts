import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { createEventBus } from '../../platform/bus';
import { cachedTenantConfig } from './tenant-config-cache';

describe('cached tenant configuration', () => {
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
  });
  afterAll(async () => atrium.close());

  it('sees a publish through the API at once', async () => {
    const tenant = await buildTenant(atrium.services);
    const { key } = await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] });
    expect((await cachedTenantConfig(atrium.services, tenant.id)).config.tools.max_calls_per_turn).not.toBe(2);
    await atrium.http
      .put('/v1/admin/config')
      .set(bearer(key))
      .send({ config: { tools: { max_calls_per_turn: 2 } } })
      .expect(200);
    expect((await cachedTenantConfig(atrium.services, tenant.id)).config.tools.max_calls_per_turn).toBe(2);
  });

  it("drops a replica's copy when the bus carries another replica's publish", async () => {
    const tenant = await buildTenant(atrium.services);
    // This "replica" has its own bus: the publish below happens elsewhere and reaches it only as an event.
    const replica = { db: atrium.services.db, bus: createEventBus() };
    const before = await cachedTenantConfig(replica, tenant.id);
    await atrium.services.db.withTenant(tenant.id, async (tx) => {
      await tx.query('UPDATE tenant_config_versions SET active = false WHERE tenant_id = $1 AND active', [tenant.id]);
      await tx.query(`INSERT INTO tenant_config_versions (tenant_id, version, config, active, created_by) VALUES ($1, $2, $3, true, 'other replica')`, [
        tenant.id,
        before.version + 1,
        JSON.stringify({ assistant: { name: 'Elsewhere' } }),
      ]);
    });
    expect((await cachedTenantConfig(replica, tenant.id)).version).toBe(before.version);
    replica.bus.publish({ tenantId: tenant.id, type: 'activity', data: { type: 'config.published' } });
    const after = await cachedTenantConfig(replica, tenant.id);
    expect(after.version).toBe(before.version + 1);
    expect(after.config.assistant.name).toBe('Elsewhere');
    await replica.bus.close();
  });
});
