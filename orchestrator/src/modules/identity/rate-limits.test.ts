import { afterEach, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';

/** Request budgets per API key and per tenant, in-process and on real Redis (shared by API replicas). */
let atrium: TestAtrium | undefined;
afterEach(async () => {
  await atrium?.close();
  atrium = undefined;
});

async function exhaust(t: TestAtrium, key: string, calls: number, path = '/v1/tools') {
  const statuses: number[] = [];
  for (let i = 0; i < calls; i++) statuses.push((await t.http.get(path).set(bearer(key))).status);
  return statuses;
}

describe.each([
  ['in-process', false],
  ['Redis', true],
] as const)('rate limits (%s)', (_name, redis) => {
  it('answers 429 RATE_LIMITED with Retry-After once an API key spent its budget, other keys unaffected', async () => {
    atrium = await createTestAtrium({ redis, worker: false, env: { RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_TENANT_PER_MINUTE: '100' } });
    const tenant = await buildTenant(atrium.services);
    const first = await buildApiKey(atrium.services, tenant, { scopes: ['agent'] });
    const second = await buildApiKey(atrium.services, tenant, { scopes: ['agent'] });
    expect(await exhaust(atrium, first.key, 4)).toEqual([200, 200, 200, 429]);
    const refused = await atrium.http.get('/v1/tools').set(bearer(first.key));
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { scope: 'API key' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await atrium.http.get('/v1/tools').set(bearer(second.key))).status).toBe(200);
  });

  it("limits the tenant as a whole across its keys, without touching another tenant's budget", async () => {
    atrium = await createTestAtrium({ redis, worker: false, env: { RATE_LIMIT_PER_MINUTE: '100', RATE_LIMIT_TENANT_PER_MINUTE: '4' } });
    const [busy, quiet] = [await buildTenant(atrium.services), await buildTenant(atrium.services)];
    const keys = [await buildApiKey(atrium.services, busy, { scopes: ['agent'] }), await buildApiKey(atrium.services, busy, { scopes: ['agent'] })];
    expect([...(await exhaust(atrium, keys[0]!.key, 2)), ...(await exhaust(atrium, keys[1]!.key, 3))]).toEqual([200, 200, 200, 200, 429]);
    const refused = await atrium.http.get('/v1/tools').set(bearer(keys[1]!.key));
    expect(refused.body.error.details).toMatchObject({ scope: 'tenant' });
    const other = await buildApiKey(atrium.services, quiet, { scopes: ['agent'] });
    expect((await atrium.http.get('/v1/tools').set(bearer(other.key))).status).toBe(200);
  });

  it('never limits the platform admin key (break-glass)', async () => {
    atrium = await createTestAtrium({ redis, worker: false, env: { RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_TENANT_PER_MINUTE: '1' } });
    const statuses = await exhaust(atrium, atrium.adminKey, 3, '/v1/platform/tenants');
    expect(statuses).toEqual([200, 200, 200]);
  });
});
