import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../../test/support/app';
import { freePort } from '../../../../../test/support/process';
import { DEMO_USERS, embeddedIssuerUrl, mountEmbeddedIssuer } from '../index';

/** The embedded development issuer: Keycloak's paths and claims, the demo users, code flow + PKCE, never in production. */
const keycloak = inject('keycloak');
let atrium: TestAtrium;
let server: Server;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  atrium = await createTestAtrium({ worker: false, env: { NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port) } });
  server = await new Promise<Server>((resolve) => {
    const s = atrium.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await atrium?.close();
});

/** Authorization code + PKCE through the login form, following redirects by hand with a cookie jar. */
async function signIn(username: string, password: string): Promise<{ status: number; tokens?: { access_token: string; id_token: string } }> {
  const jar = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = pair!.split('=');
      jar.set(k!, v.join('='));
    }
    return res;
  };
  const verifier = randomBytes(32).toString('base64url');
  const redirectUri = 'http://localhost:3000/auth/callback';
  const auth = new URL(`${base}/realms/atrium/protocol/openid-connect/auth`);
  auth.search = new URLSearchParams({
    client_id: 'atrium-shell',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile email',
    state: 's1',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const toLogin = await send(auth.toString());
  const loginUrl = new URL(toLogin.headers.get('location')!, base).toString();
  expect(loginUrl).toMatch(/\/realms\/atrium\/login\//);
  expect((await send(loginUrl)).status).toBe(200);
  let res = await send(loginUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  if (res.status === 401) return { status: 401 };
  for (let hops = 0; hops < 5 && res.status >= 300 && res.status < 400; hops++) {
    const next = new URL(res.headers.get('location')!, base);
    if (next.toString().startsWith(redirectUri)) {
      const token = await fetch(`${base}/realms/atrium/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: next.searchParams.get('code')!,
          redirect_uri: redirectUri,
          code_verifier: verifier,
          client_id: 'atrium-shell',
          client_secret: 'atrium-shell-dev-secret',
        }),
      });
      return { status: token.status, tokens: (await token.json()) as { access_token: string; id_token: string } };
    }
    res = await send(next.toString());
  }
  throw new Error(`login flow ended at HTTP ${res.status}`);
}

describe('embedded OIDC issuer', () => {
  it('publishes Keycloak-shaped discovery at /realms/atrium', async () => {
    const doc = (await (await fetch(`${base}/realms/atrium/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(doc.issuer).toBe(`${base}/realms/atrium`);
    expect(doc.token_endpoint).toBe(`${base}/realms/atrium/protocol/openid-connect/token`);
    expect(doc.jwks_uri).toBe(`${base}/realms/atrium/protocol/openid-connect/certs`);
    expect(doc.authorization_endpoint).toBe(`${base}/realms/atrium/protocol/openid-connect/auth`);
  });

  it('signs alice in with code + PKCE and issues a Keycloak-shaped access token the API accepts', async () => {
    const { status, tokens } = await signIn('alice', 'alice-pass');
    expect(status).toBe(200);
    const claims = decodeJwt(tokens!.access_token);
    expect(claims).toMatchObject({
      iss: `${base}/realms/atrium`,
      aud: 'atrium-api',
      realm_access: { roles: ['tenant_admin', 'approver'] },
      tenant: ['acme'],
      groups: ['/tenants/acme'],
      preferred_username: 'alice',
    });
    const me = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${tokens!.access_token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { roles: string[] }).roles.sort()).toEqual(['approver', 'tenant_admin']);
  });

  it('refuses a wrong password on the login form', async () => {
    expect((await signIn('alice', 'guess')).status).toBe(401);
  });

  it('is refused when Keycloak is configured: its tokens are not trusted there', async () => {
    const { tokens } = await signIn('bob', 'bob-pass');
    const withKeycloak = await createTestAtrium({ worker: false, env: { OIDC_ISSUER_URL: keycloak.issuer } });
    try {
      const res = await withKeycloak.http.get('/v1/me').set('Authorization', `Bearer ${tokens!.access_token}`);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'INVALID_TOKEN', details: { reason: 'wrong_issuer' } });
      expect((await withKeycloak.http.get('/realms/atrium/.well-known/openid-configuration')).status).toBe(404);
    } finally {
      await withKeycloak.close();
    }
  });

  it('never runs in production', () => {
    const production = { ...atrium.config, NODE_ENV: 'production' as const };
    expect(embeddedIssuerUrl(production)).toBeNull();
    expect(() => mountEmbeddedIssuer(atrium.app, production)).toThrow(/development only/);
  });

  it('knows the same demo users, roles and tenants as the Keycloak realm file', () => {
    const realm = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../../keycloak/atrium-realm.json'), 'utf8')) as {
      users: Array<{ username: string; realmRoles?: string[]; groups?: string[]; email?: string }>;
    };
    const people = realm.users.filter((u) => !u.username.startsWith('service-account-'));
    const fromRealm = people.map((u) => ({ username: u.username, roles: [...(u.realmRoles ?? [])].sort(), groups: u.groups ?? [], email: u.email }));
    const embedded = DEMO_USERS.map((u) => ({
      username: u.username,
      roles: [...u.roles].sort(),
      groups: u.tenants.map((t) => `/tenants/${t}`),
      email: u.email,
    }));
    expect(embedded).toEqual(fromRealm);
  });
});
