import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { fullSync, keycloakClientFor } from './index';

/**
 * A person signs in the way the console does it (keycloak/atrium-realm.json, client `atrium-shell`): authorization
 * code with PKCE S256 through Keycloak's own login form, the code exchanged with the client secret, and the access
 * token used on the API, which then holds the user to their tenant and roles. Browserless: the form is posted as a
 * browser would post it (the console's browser run is test/e2e-shell).
 */
const keycloak = inject('keycloak');
const REDIRECT = 'http://localhost:3000/auth/callback';
let atrium: TestAtrium;

beforeAll(async () => {
  atrium = await createTestAtrium({ worker: false, env: { OIDC_ISSUER_URL: keycloak.issuer, KEYCLOAK_ADMIN_CLIENT_SECRET: 'atrium-sync-dev-secret' } });
  await fullSync(atrium.services, keycloakClientFor(atrium.services)!, keycloak.issuer);
});
afterAll(() => atrium?.close());

/** Keycloak's login form, filled in; returns the redirect back to the console (or the page that was shown instead). */
async function loginForm(username: string, password: string, challenge: Record<string, string>): Promise<Response> {
  const cookies = new Map<string, string>();
  const browse = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as object), cookie: [...cookies].map((c) => c.join('=')).join('; ') },
    });
    for (const set of res.headers.getSetCookie()) {
      const [name, value] = set.split(';')[0]!.split(/=(.*)/s);
      cookies.set(name!, value ?? '');
    }
    return res;
  };
  const query = new URLSearchParams({ client_id: 'atrium-shell', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'st-1', ...challenge });
  const page = await browse(`${keycloak.issuer}/protocol/openid-connect/auth?${query.toString()}`);
  if (page.status !== 200) return page;
  const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(await page.text())?.[1];
  expect(action, 'the login form of the realm').toBeDefined();
  return browse(action!.replaceAll('&amp;', '&'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
}

async function exchange(code: string, verifier: string) {
  const res = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      client_id: 'atrium-shell',
      client_secret: 'atrium-shell-dev-secret',
    }),
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string; id_token?: string; error?: string } };
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: { code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' } };
};
const codeOf = (res: Response) => {
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
  expect(back.searchParams.get('state')).toBe('st-1');
  return back.searchParams.get('code')!;
};

describe('signing in through Keycloak', () => {
  it('gives bob, after code + PKCE, a token the API accepts for his tenant and refuses for another', async () => {
    const { verifier, challenge } = pkce();
    const { status, body } = await exchange(codeOf(await loginForm('bob', 'bob-pass', challenge)), verifier);
    expect(status).toBe(200);
    expect(decodeJwt(body.access_token!)).toMatchObject({ azp: 'atrium-shell', tenant: ['acme'], groups: ['/tenants/acme'] });
    expect(decodeJwt(body.id_token!).preferred_username).toBe('bob');

    const api = (path: string, tenant?: string) => {
      const req = atrium.http.get(path).set('Authorization', `Bearer ${body.access_token}`);
      return tenant ? req.set('X-Tenant-ID', tenant) : req;
    };
    const me = await api('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ kind: 'user', roles: ['agent'], tenants: [expect.objectContaining({ slug: 'acme' })] });
    expect((await api('/v1/tools', 'acme')).status).toBe(200);
    expect((await api('/v1/auth/api-keys', 'acme')).body.error.code).toBe('FORBIDDEN'); // agent: no key management
    expect((await api('/v1/tools', 'globex')).body.error.code).toBe('FORBIDDEN');
  });

  it('refuses a wrong password on the login form', async () => {
    const res = await loginForm('bob', 'not-his-password', pkce().challenge);
    expect(res.status).toBe(200); // the form again, with an error, and no code
    expect(await res.text()).toMatch(/Invalid username or password/);
  });

  it('requires PKCE: no challenge, no code; a code is redeemed only with its own verifier', async () => {
    const noChallenge = await loginForm('bob', 'bob-pass', {});
    expect(noChallenge.status).toBe(302);
    expect(new URL(noChallenge.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');

    const { challenge } = pkce();
    const stolen = await exchange(codeOf(await loginForm('bob', 'bob-pass', challenge)), pkce().verifier);
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});
