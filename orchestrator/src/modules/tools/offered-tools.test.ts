import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { createEventBus } from '../../platform/bus';
import { offeredTools } from './offered-tools';

/** The per-process cache of the tools a chat turn offers: changes through the registry show at once, elsewhere via the bus. */
describe('offered tools cache', () => {
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
  });
  afterAll(async () => atrium.close());

  const names = async (services: Parameters<typeof offeredTools>[0], tenantId: string) => (await offeredTools(services, tenantId)).map((t) => t.name);

  it('sees a tool created, disabled, re-enabled and deleted through the API at once', async () => {
    const tenant = await buildTenant(atrium.services);
    const { key } = await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] });
    expect(await names(atrium.services, tenant.id)).toEqual([]);
    const created = await atrium.http
      .post('/v1/tools')
      .set(bearer(key))
      .send({
        name: 'lookup_order',
        description: 'Looks up an order',
        input_schema: { type: 'object', properties: { id: { type: 'string' } } },
        risk: 'read',
        binding: { kind: 'http', url: 'http://127.0.0.1:9/order', timeout_ms: 500 },
      });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(await names(atrium.services, tenant.id)).toEqual(['lookup_order']);
    await atrium.http.put(`/v1/tools/${created.body.id}`).set(bearer(key)).send({ enabled: false }).expect(200);
    expect(await names(atrium.services, tenant.id)).toEqual([]);
    await atrium.http.put(`/v1/tools/${created.body.id}`).set(bearer(key)).send({ enabled: true }).expect(200);
    expect(await names(atrium.services, tenant.id)).toEqual(['lookup_order']);
    await atrium.http.delete(`/v1/tools/${created.body.id}`).set(bearer(key)).expect(204);
    expect(await names(atrium.services, tenant.id)).toEqual([]);
  });

  it("drops a replica's copy when the bus carries another replica's change", async () => {
    const tenant = await buildTenant(atrium.services);
    // This "replica" has its own bus: the change below happens elsewhere and reaches it only as an event.
    const replica = { db: atrium.services.db, bus: createEventBus() };
    expect(await names(replica, tenant.id)).toEqual([]);
    await atrium.services.db.withTenant(tenant.id, (tx) =>
      tx.query(
        `INSERT INTO tools (tenant_id, name, description, input_schema, risk, needs_approval, binding, created_by)
         VALUES ($1, 'notify_team', 'Posts to the team channel', '{"type":"object"}', 'low', false, '{"kind":"n8n","path":"notify"}', 'other replica')`,
        [tenant.id],
      ),
    );
    expect(await names(replica, tenant.id)).toEqual([]);
    replica.bus.publish({ tenantId: tenant.id, type: 'activity', data: { type: 'tool.created' } });
    expect(await names(replica, tenant.id)).toEqual(['notify_team']);
    await replica.bus.close();
  });
});
