import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';

/** Request budgets per API key, per user and per tenant, in-process and on real Redis (shared by API replicas). */
let atrium: TestAtrium | undefined;
afterEach(async () => {
  await atrium?.close();
  atrium = undefined;
});

// A test issuer (JWKS served here) signing user tokens, so the per-user budget is exercised without a Keycloak.
let issuer: string;
let jwksServer: Server;
let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  signingKey = privateKey;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'rl-1', alg: 'RS256', use: 'sig' }] });
  jwksServer = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(jwks));
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/realms/rl`;
});
afterAll(() => jwksServer?.close());

const userToken = (subject: string, tenant: string) =>
  new SignJWT({ realm_access: { roles: ['agent'] }, tenant: [tenant], jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid: 'rl-1' })
    .setIssuer(issuer)
    .setAudience('atrium-api')
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(signingKey);

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

  it('limits a user across all their tokens, other users of the tenant unaffected', async () => {
    atrium = await createTestAtrium({
      redis,
      worker: false,
      env: { OIDC_ISSUER_URL: issuer, RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_TENANT_PER_MINUTE: '100' },
    });
    const tenant = await buildTenant(atrium.services);
    const [first, second] = [await userToken(`a-${tenant.slug}`, tenant.slug), await userToken(`a-${tenant.slug}`, tenant.slug)];
    expect([...(await exhaust(atrium, first, 2)), ...(await exhaust(atrium, second, 2))]).toEqual([200, 200, 200, 429]);
    const refused = await atrium.http.get('/v1/tools').set(bearer(second));
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { scope: 'user' } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await atrium.http.get('/v1/tools').set(bearer(await userToken(`b-${tenant.slug}`, tenant.slug)))).status).toBe(200);
  });

  it('never limits the platform admin key (break-glass)', async () => {
    atrium = await createTestAtrium({ redis, worker: false, env: { RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_TENANT_PER_MINUTE: '1' } });
    const statuses = await exhaust(atrium, atrium.adminKey, 3, '/v1/platform/tenants');
    expect(statuses).toEqual([200, 200, 200]);
  });
});
