import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { startToolEndpoint } from '../../../../test/fakes/tools/endpoint';
import type { TenantRef } from '../../platform/http/context';

/**
 * tools:execute is what running a tool by hand (POST /v1/tools/:id/test) needs: admins and agents hold it, viewers
 * do not, and GET /v1/me says so. An agent is still held to each tool's allowed roles/groups; an admin, who
 * configures the tools, is not.
 */
describe('running a tool by hand needs tools:execute', () => {
  let atrium: TestAtrium;
  let tenant: TenantRef;
  const keys: Record<'admin' | 'agent' | 'viewer' | 'executeOnly', string> = { admin: '', agent: '', viewer: '', executeOnly: '' };
  let endpoint: Awaited<ReturnType<typeof startToolEndpoint>>;
  let open: string;
  let staffOnly: string;

  beforeAll(async () => {
    atrium = await createTestAtrium();
    tenant = await buildTenant(atrium.services);
    keys.admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    keys.agent = (await buildApiKey(atrium.services, tenant, { scopes: ['agent'] })).key;
    keys.viewer = (await buildApiKey(atrium.services, tenant, { scopes: ['viewer'] })).key;
    keys.executeOnly = (await buildApiKey(atrium.services, tenant, { scopes: ['tools:execute'] })).key;
    endpoint = await startToolEndpoint('Order A1 ships today.');
    const register = async (name: string, extra: Record<string, unknown> = {}) => {
      const r = await atrium.http
        .post('/v1/tools')
        .set(bearer(keys.admin))
        .send({
          name,
          description: `Sample tool ${name}`,
          input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
          risk: 'read',
          binding: { kind: 'http', url: endpoint.url },
          ...extra,
        });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.id as string;
    };
    open = await register('lookup_order');
    staffOnly = await register('adjust_stock', { allowed_roles: ['tenant_admin'] });
  });
  afterAll(async () => {
    await endpoint.close();
    await atrium.close();
  });

  const testRun = (toolId: string, key?: string) => {
    const req = atrium.http.post(`/v1/tools/${toolId}/test`);
    return (key ? req.set(bearer(key)) : req).send({ input: { order_id: 'A1' } });
  };
  const abilities = async (key: string) =>
    ((await atrium.http.get('/v1/me').set(bearer(key))).body.tenants[0].abilities as string[]).filter((a) => a.startsWith('tools:'));

  it('GET /v1/me reports tools:execute exactly to the roles the route lets through', async () => {
    expect((await abilities(keys.admin)).sort()).toEqual(['tools:execute', 'tools:manage', 'tools:read']);
    expect((await abilities(keys.agent)).sort()).toEqual(['tools:execute', 'tools:read']);
    expect(await abilities(keys.viewer)).toEqual(['tools:read']);
  });

  it('a viewer gets 403 naming the action and the tool is never called; anonymous gets 401', async () => {
    const before = endpoint.calls.length;
    const denied = await testRun(open, keys.viewer);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'FORBIDDEN', message: 'Your roles do not allow "tools:execute"' });
    expect((await testRun(open)).status).toBe(401);
    expect(endpoint.calls.length).toBe(before);
  });

  it('an agent runs an open tool, but not one whose allowed roles leave agents out; an admin runs both', async () => {
    expect((await testRun(open, keys.agent)).body).toMatchObject({ status: 'succeeded', output: { ok: true } });
    const before = endpoint.calls.length;
    const refused = await testRun(staffOnly, keys.agent);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'denied', error: { code: 'FORBIDDEN' } });
    expect(endpoint.calls.length).toBe(before);
    expect((await testRun(staffOnly, keys.admin)).body).toMatchObject({ status: 'succeeded' });
    expect(endpoint.calls.length).toBe(before + 1);
  });

  it('an API key scoped to the action alone may run tools but not change them', async () => {
    expect((await testRun(open, keys.executeOnly)).body).toMatchObject({ status: 'succeeded' });
    const change = await atrium.http.put(`/v1/tools/${open}`).set(bearer(keys.executeOnly)).send({ description: 'changed' });
    expect(change.status).toBe(403);
  });
});
