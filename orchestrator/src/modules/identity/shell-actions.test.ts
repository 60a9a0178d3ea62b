import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { modules } from '../registry';

let atrium: TestAtrium;
beforeAll(async () => {
  atrium = await createTestAtrium({ worker: false });
});
afterAll(async () => atrium?.close());

const abilitiesOf = async (key: string): Promise<string[]> => {
  const me = await atrium.http.get('/v1/me').set(bearer(key)).expect(200);
  return me.body.tenants[0].abilities;
};

describe('abilities reported by GET /v1/me', () => {
  it('cover every permission a route checks, so the shell can show exactly what the API allows', async () => {
    const tenant = await buildTenant(atrium.services);
    const everything = await abilitiesOf((await buildApiKey(atrium.services, tenant, { scopes: ['*'] })).key);
    const routePermissions = new Set(modules.flatMap((m) => m.routes.flatMap((r) => (r.permission ? [r.permission] : []))));
    expect([...routePermissions].filter((p) => !everything.includes(p))).toEqual([]);
    // actions only rules mention (checked inside commands) are reported too
    expect(everything).toContain('tools:execute');
    expect(everything.some((a) => a.endsWith(':*'))).toBe(false);
  });

  it("follow the caller's role rather than listing every action", async () => {
    const tenant = await buildTenant(atrium.services);
    const viewer = await abilitiesOf((await buildApiKey(atrium.services, tenant, { scopes: ['viewer'] })).key);
    expect(viewer).toContain('conversations:read');
    expect(viewer).not.toContain('config:write');
    expect(viewer).not.toContain('api_keys:manage');
  });
});
