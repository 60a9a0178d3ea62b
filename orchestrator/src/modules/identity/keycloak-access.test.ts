import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { demoPassword, keycloakToken } from '../../../../test/support/keycloak';
import { fullSync, keycloakClientFor } from './index';

/**
 * Real Keycloak tokens of the demo users (keycloak/atrium-realm.json) against the API: each role can do exactly
 * what its policy says, and no user reaches a tenant they are not in, by header, slug or id.
 */
const keycloak = inject('keycloak');
let atrium: TestAtrium;
const tokens = new Map<string, string>();
const tenantIds = new Map<string, string>();

beforeAll(async () => {
  atrium = await createTestAtrium({ worker: false, env: { OIDC_ISSUER_URL: keycloak.issuer, KEYCLOAK_ADMIN_CLIENT_SECRET: 'atrium-sync-dev-secret' } });
  await fullSync(atrium.services, keycloakClientFor(atrium.services)!, keycloak.issuer); // mirrors acme and globex
  const r = await atrium.services.db.query<{ id: string; slug: string }>(`SELECT id, slug FROM tenants WHERE slug IN ('acme', 'globex')`);
  for (const row of r.rows) tenantIds.set(row.slug, row.id);
  for (const user of ['alice', 'bob', 'april', 'vera', 'nina', 'gary', 'max', 'root']) {
    tokens.set(user, (await keycloakToken(keycloak.issuer, user, demoPassword(user))).access_token);
  }
});
afterAll(() => atrium?.close());

const get = (user: string, path: string, tenant?: string) => {
  const req = atrium.http.get(path).set('Authorization', `Bearer ${tokens.get(user)}`);
  return tenant ? req.set('X-Tenant-ID', tenant) : req;
};

describe('roles of real Keycloak users', () => {
  // route → users allowed (in acme); everyone else in acme gets 403
  const matrix: Array<[string, string, string[]]> = [
    ['api_keys:manage', '/v1/auth/api-keys', ['alice', 'root']],
    ['audit:read', '/v1/admin/audit-logs', ['alice', 'root']],
    ['approvals:read', '/v1/approvals', ['alice', 'bob', 'april', 'vera', 'root']],
    ['config:read', '/v1/admin/config', ['alice', 'bob', 'april', 'vera', 'root']],
    ['tools:read', '/v1/tools', ['alice', 'bob', 'april', 'vera', 'root']],
  ];
  const acmeUsers = ['alice', 'bob', 'april', 'vera', 'nina', 'root'];

  it.each(matrix)('allows %s (GET %s) to exactly %j', async (_action, path, allowed) => {
    const statuses = Object.fromEntries(await Promise.all(acmeUsers.map(async (u) => [u, (await get(u, path, 'acme')).status] as const)));
    expect(statuses).toEqual(Object.fromEntries(acmeUsers.map((u) => [u, allowed.includes(u) ? 200 : 403])));
  });

  it('lets only the platform admin manage tenants', async () => {
    expect((await get('root', '/v1/platform/tenants')).status).toBe(200);
    expect((await get('alice', '/v1/platform/tenants', 'acme')).status).toBe(403);
  });

  it('returns abilities per tenant in /v1/me, matching the roles', async () => {
    const alice = (await get('alice', '/v1/me')).body;
    expect(alice.roles.sort()).toEqual(['approver', 'tenant_admin']);
    expect(alice.groups).toEqual(['/tenants/acme']);
    expect(alice.tenants.map((t: { slug: string }) => t.slug)).toEqual(['acme']);
    expect(alice.tenants[0].abilities).toEqual(expect.arrayContaining(['api_keys:manage', 'approvals:decide', 'config:write']));

    const bob = (await get('bob', '/v1/me')).body;
    expect(bob.tenants[0].abilities).toEqual(expect.arrayContaining(['tools:execute', 'conversations:write']));
    expect(bob.tenants[0].abilities).not.toContain('api_keys:manage');
    expect(bob.tenants[0].abilities).not.toContain('approvals:decide');

    const nina = (await get('nina', '/v1/me')).body;
    expect(nina.tenants).toEqual([expect.objectContaining({ slug: 'acme', abilities: [] })]);

    const root = (await get('root', '/v1/me')).body;
    expect(root.tenants.map((t: { slug: string }) => t.slug)).toEqual(expect.arrayContaining(['acme', 'globex']));
  });
});

describe('tenant isolation with real tokens', () => {
  it('refuses a globex admin in acme, whether acme is named by slug or by id', async () => {
    expect((await get('gary', '/v1/auth/api-keys', 'globex')).status).toBe(200);
    for (const ref of ['acme', tenantIds.get('acme')!]) {
      const res = await get('gary', '/v1/auth/api-keys', ref);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('answers an unknown tenant exactly like a forbidden one, so tenants cannot be probed', async () => {
    const unknown = await get('gary', '/v1/auth/api-keys', '00000000-0000-4000-8000-000000000000');
    const forbidden = await get('gary', '/v1/auth/api-keys', tenantIds.get('acme')!);
    expect([unknown.status, unknown.body.error.code]).toEqual([forbidden.status, forbidden.body.error.code]);
  });

  it("neither shows nor revokes another tenant's API key for an admin who guesses its id", async () => {
    const created = await atrium.http
      .post('/v1/auth/api-keys')
      .set('Authorization', `Bearer ${tokens.get('alice')}`)
      .set('X-Tenant-ID', 'acme')
      .send({ name: 'acme integration', scopes: ['agent'] });
    expect(created.status).toBe(201);
    expect((await get('alice', `/v1/auth/api-keys/${created.body.id}`, 'acme')).status).toBe(200);
    const guessed = await get('gary', `/v1/auth/api-keys/${created.body.id}`, 'globex');
    expect(guessed.status).toBe(404);
    const revoke = await atrium.http
      .delete(`/v1/auth/api-keys/${created.body.id}`)
      .set('Authorization', `Bearer ${tokens.get('gary')}`)
      .set('X-Tenant-ID', 'globex');
    expect(revoke.status).toBe(404);
    expect((await get('alice', `/v1/auth/api-keys/${created.body.id}`, 'acme')).body.revoked_at).toBeNull();
    expect((await atrium.http.get('/v1/me').set('Authorization', `Bearer ${created.body.key}`)).status).toBe(200);
  });

  it('makes a user of two tenants pick one with X-Tenant-ID, and honours either', async () => {
    const none = await get('max', '/v1/tools');
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('VALIDATION');
    expect((await get('max', '/v1/tools', 'acme')).status).toBe(200);
    expect((await get('max', '/v1/tools', 'globex')).status).toBe(200);
  });

  it('uses the single tenant of a one-tenant user without a header', async () => {
    expect((await get('bob', '/v1/tools')).status).toBe(200);
  });
});

describe('the atrium-shell client of the imported realm', () => {
  const authorize = (redirectUri: string) =>
    fetch(
      `${keycloak.issuer}/protocol/openid-connect/auth?${new URLSearchParams({
        client_id: 'atrium-shell',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString()}`,
      { redirect: 'manual' },
    );

  it('accepts the configured public URL of the console (ATRIUM_SHELL_URL, default http://localhost:8000) and nothing else', async () => {
    expect((await authorize('http://localhost:3000/auth/callback')).status).toBe(200); // the login page
    expect((await authorize('http://localhost:8000/auth/callback')).status).toBe(200);
    expect((await authorize('http://attacker.example/auth/callback')).status).toBe(400);
  });
});
