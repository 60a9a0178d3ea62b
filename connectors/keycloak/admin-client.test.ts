import { beforeAll, describe, expect, inject, it } from 'vitest';
import { keycloakAdmin, type KeycloakAdmin } from '../../test/support/keycloak';
import { createKeycloakAdminClient, type KeycloakAdminClientOptions } from './admin-client';
import { KeycloakError } from './errors';
import { serviceAccountTokens } from './token';

/** Against the real Keycloak started by the global setup, realm keycloak/atrium-realm.json. */
const keycloak = inject('keycloak');
const SYNC = { clientId: 'atrium-sync', clientSecret: 'atrium-sync-dev-secret' };
const client = (overrides: Partial<KeycloakAdminClientOptions> = {}) =>
  createKeycloakAdminClient({ baseUrl: keycloak.url, realm: keycloak.realm, ...SYNC, backoffMs: 1, ...overrides });
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as KeycloakError,
  );

describe('Keycloak admin client (atrium-sync service account)', () => {
  let admin: KeycloakAdmin;
  beforeAll(async () => {
    admin = await keycloakAdmin(keycloak);
  });

  it('lists the realm users page by page, without service-account users', async () => {
    const usernames: string[] = [];
    for await (const user of client().allUsers(3)) usernames.push(user.username);
    expect(usernames).toEqual(expect.arrayContaining(['alice', 'bob', 'gina', 'root']));
    expect(usernames.some((u) => u.startsWith('service-account-'))).toBe(false);
    expect(new Set(usernames).size).toBe(usernames.length);
  });

  it("reads a user's tenant groups with their attributes and effective realm roles", async () => {
    const kc = client();
    const [alice] = await kc.listUsers({ search: 'alice' });
    expect(alice).toMatchObject({ username: 'alice', email: 'alice@acme.test', enabled: true });
    const groups = await kc.userGroups(alice!.id);
    expect(groups.map((g) => [g.path, g.attributes?.tenant])).toEqual([['/tenants/acme', ['acme']]]);
    const roles = (await kc.userRealmRoles(alice!.id)).map((r) => r.name);
    expect(roles).toEqual(expect.arrayContaining(['tenant_admin', 'approver']));
    expect(roles).not.toContain('platform_admin');
  });

  it('finds groups by path, their children and members, and reports a missing one as undefined', async () => {
    const kc = client();
    const tenants = await kc.groupByPath('/tenants');
    const children = await kc.groupChildren(tenants!.id);
    expect(children.map((g) => g.name).sort()).toEqual(expect.arrayContaining(['acme', 'globex']));
    const globex = children.find((g) => g.name === 'globex')!;
    expect(globex.attributes?.tenant).toEqual(['globex']);
    const members = (await kc.groupMembers(globex.id)).map((u) => u.username).sort();
    expect(members).toEqual(expect.arrayContaining(['gary', 'gina', 'gus', 'max']));
    expect(members).not.toContain('alice');
    expect(await kc.groupByPath('/tenants/no-such-tenant')).toBeUndefined();
    expect(await kc.findUser('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('reads admin events oldest first, from a point in time on', async () => {
    const before = Date.now() - 1;
    const userId = await admin.createUser({ username: `evt-${Date.now()}`, tenants: ['acme'] });
    const events = await client().adminEvents({ fromTime: before });
    const paths = events.map((e) => `${e.operationType} ${e.resourcePath}`);
    expect(paths).toEqual(expect.arrayContaining([`CREATE users/${userId}`]));
    expect(events.every((e) => e.time >= before)).toBe(true);
    expect(events.map((e) => e.time)).toEqual([...events.map((e) => e.time)].sort((a, b) => a - b));
    expect(await client().adminEvents({ fromTime: Date.now() + 60_000 })).toEqual([]);
  });

  it('holds read-only rights: Keycloak refuses a write with the service-account token', async () => {
    const token = await serviceAccountTokens({ issuer: keycloak.issuer, ...SYNC, timeoutMs: 10_000 }).get();
    const res = await fetch(`${keycloak.url}/admin/realms/${keycloak.realm}/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'should-not-exist', enabled: true }),
    });
    expect(res.status).toBe(403);
  });

  it('caches the service-account token until invalidated', async () => {
    const tokens = serviceAccountTokens({ issuer: keycloak.issuer, ...SYNC, timeoutMs: 10_000 });
    const [a, b] = await Promise.all([tokens.get(), tokens.get()]);
    expect(b).toBe(a);
    expect(await tokens.get()).toBe(a);
    tokens.invalidate();
    expect(await tokens.get()).not.toBe(a);
  });

  it('maps a wrong client secret to UPSTREAM_UNAUTHORIZED without retrying', async () => {
    const error = await rejection(client({ clientSecret: 'wrong' }).listUsers());
    expect(error).toBeInstanceOf(KeycloakError);
    expect(error.code).toBe('UPSTREAM_UNAUTHORIZED');
  });

  it('retries a 5xx and then succeeds', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => (++calls === 1 ? new Response('boom', { status: 503 }) : fetch(input, init));
    const users = await client({ fetch: flaky }).listUsers({ max: 1 });
    expect(users).toHaveLength(1);
    expect(calls).toBe(2);
  });

  it('gives up after the configured attempts with UPSTREAM_UNAVAILABLE', async () => {
    let calls = 0;
    const down: typeof fetch = async () => (calls++, new Response('down', { status: 502 }));
    const error = await rejection(client({ fetch: down, attempts: 3 }).listUsers());
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.upstreamStatus).toBe(502);
    expect(calls).toBe(3);
  });

  it('times out a hanging call with UPSTREAM_TIMEOUT', async () => {
    const hang: typeof fetch = (_input, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const error = await rejection(client({ fetch: hang, timeoutMs: 100, attempts: 1 }).listUsers());
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('refuses a response of the wrong shape with UPSTREAM_BAD_RESPONSE', async () => {
    const odd: typeof fetch = async () => Response.json([{ id: 1, username: null }]);
    const error = await rejection(client({ fetch: odd }).listUsers());
    expect(error.code).toBe('UPSTREAM_BAD_RESPONSE');
  });
});
