import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import type { TenantRef } from '../../platform/http/context';

/**
 * Issue 3: every resource the shell lists carries what the caller may do with it, derived from the policy engine
 * (the permission of the route that performs each action), so the console never re-implements a rule.
 */
describe('resource abilities', () => {
  let atrium: TestAtrium;
  let tenant: TenantRef;
  let admin: string;
  let agent: string;
  let viewer: string;

  const list = async (path: string, key: string) => {
    const r = await atrium.http.get(path).set(bearer(key));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.items as { id: string; abilities: string[] }[];
  };
  const abilitiesOf = (items: { id: string; abilities: string[] }[], id: string) => items.find((i) => i.id === id)?.abilities;

  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
    tenant = await buildTenant(atrium.services);
    admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    agent = (await buildApiKey(atrium.services, tenant, { scopes: ['agent'] })).key;
    viewer = (await buildApiKey(atrium.services, tenant, { scopes: ['viewer'] })).key;
  });
  afterAll(() => atrium?.close());

  it('tools: an admin may update, delete and test; an agent only test the tools whose allowed roles admit it; a viewer nothing', async () => {
    const create = async (name: string, extra: object) => {
      const body = { name, description: 'd', input_schema: { type: 'object' }, risk: 'low', binding: { kind: 'http', url: 'http://127.0.0.1:9/x' }, ...extra };
      const r = await atrium.http.post('/v1/tools').set(bearer(admin)).send(body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body as { id: string; abilities: string[] };
    };
    const created = await create('open_tool', {});
    expect(created.abilities).toEqual(['update', 'delete', 'test']);
    const open = created.id;
    const adminsOnly = (await create('admins_only', { allowed_roles: ['tenant_admin'] })).id;
    const off = (await create('disabled_tool', { enabled: false })).id;

    const asAdmin = await list('/v1/tools', admin);
    expect(abilitiesOf(asAdmin, open)).toEqual(['update', 'delete', 'test']);
    expect(abilitiesOf(asAdmin, adminsOnly)).toEqual(['update', 'delete', 'test']);
    expect(abilitiesOf(asAdmin, off)).toEqual(['update', 'delete']);
    const asAgent = await list('/v1/tools', agent);
    expect(abilitiesOf(asAgent, open)).toEqual(['test']);
    expect(abilitiesOf(asAgent, adminsOnly)).toEqual([]);
    expect(abilitiesOf(asAgent, off)).toEqual([]);
    expect(abilitiesOf(await list('/v1/tools', viewer), open)).toEqual([]);
    // The agent's missing `test` is what the route itself enforces for that tool and for a disabled one.
    const tryAsAgent = async (id: string) => (await atrium.http.post(`/v1/tools/${id}/test`).set(bearer(agent)).send({ input: {} })).body.status;
    expect(await tryAsAgent(adminsOnly)).toBe('denied');
    expect(await tryAsAgent(off)).toBe('not_found');
    expect((await atrium.http.get(`/v1/tools/${open}`).set(bearer(viewer))).body.abilities).toEqual([]);
  });

  it('knowledge: an admin may delete documents and update/delete sources (sync only web ones); a viewer nothing', async () => {
    const web = await atrium.http
      .post('/v1/knowledge/sources')
      .set(bearer(admin))
      .send({ kind: 'web', name: 'Site', config: { url: 'http://127.0.0.1:9/' } });
    expect(web.status, JSON.stringify(web.body)).toBe(201);
    expect(web.body.abilities).toEqual(['update', 'delete', 'sync']);
    const api = await atrium.http.post('/v1/knowledge/sources').set(bearer(admin)).send({ kind: 'api', name: 'Pushed' });
    expect(api.body.abilities).toEqual(['update', 'delete']);
    const doc = await atrium.http.post('/v1/knowledge/documents').set(bearer(admin)).send({ title: 'Refunds', text: 'Refunds take five days.' });
    expect([200, 201, 202]).toContain(doc.status);
    expect(doc.body.abilities).toEqual(['delete']);

    expect(abilitiesOf(await list('/v1/knowledge/documents', admin), doc.body.id)).toEqual(['delete']);
    expect(abilitiesOf(await list('/v1/knowledge/documents', viewer), doc.body.id)).toEqual([]);
    expect(abilitiesOf(await list('/v1/knowledge/sources', admin), web.body.id)).toEqual(['update', 'delete', 'sync']);
    expect(abilitiesOf(await list('/v1/knowledge/sources', agent), web.body.id)).toEqual([]);
    expect(abilitiesOf(await list('/v1/knowledge/sources', viewer), api.body.id)).toEqual([]);
  });

  it('API keys: an admin may revoke a live key, not a revoked one; a viewer may not list keys at all', async () => {
    const live = await buildApiKey(atrium.services, tenant, { scopes: ['viewer'] });
    const revoked = await buildApiKey(atrium.services, tenant, { scopes: ['viewer'], revoked: true });
    const keys = await list('/v1/auth/api-keys', admin);
    expect(abilitiesOf(keys, live.id)).toEqual(['revoke']);
    expect(abilitiesOf(keys, revoked.id)).toEqual([]);
    expect((await atrium.http.get(`/v1/auth/api-keys/${live.id}`).set(bearer(admin))).body.abilities).toEqual(['revoke']);
    expect((await atrium.http.get('/v1/auth/api-keys').set(bearer(viewer))).status).toBe(403);
  });

  it('webhook endpoints: an admin may delete one and read its deliveries; an agent may not list them', async () => {
    const created = await atrium.http
      .post('/v1/admin/webhooks')
      .set(bearer(admin))
      .send({ url: 'https://hooks.example.com/atrium', events: ['*'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.abilities).toEqual(['delete', 'deliveries']);
    expect(abilitiesOf(await list('/v1/admin/webhooks', admin), created.body.id)).toEqual(['delete', 'deliveries']);
    expect((await atrium.http.get('/v1/admin/webhooks').set(bearer(agent))).status).toBe(403);
  });

  it('Chatwoot accounts: listed to agents without abilities; an admin may disconnect and sync agents', async () => {
    const config = { base_url: 'https://chatwoot.example.com', account_id: 7, inbox_ids: [1] };
    const id = await atrium.services.db.withTenant(tenant.id, async (tx) => {
      const r = await tx.query<{ id: string }>(`INSERT INTO integrations (tenant_id, kind, name, config) VALUES ($1, 'chatwoot', 'Support', $2) RETURNING id`, [
        tenant.id,
        config,
      ]);
      return r.rows[0]!.id;
    });
    expect(abilitiesOf(await list('/v1/integrations/chatwoot', admin), id)).toEqual(['disconnect', 'sync_agents']);
    expect(abilitiesOf(await list('/v1/integrations/chatwoot', agent), id)).toEqual([]);
    expect(abilitiesOf(await list('/v1/integrations/chatwoot', viewer), id)).toEqual([]);
  });
});
