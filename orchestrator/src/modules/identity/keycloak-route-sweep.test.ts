import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { demoPassword, keycloakToken } from '../../../../test/support/keycloak';
import type { Principal, TenantRef } from '../../platform/http/context';
import { modules } from '../registry';
import { createTokenVerifier, fullSync, keycloakClientFor } from './index';

/**
 * Every guarded route of the registry, called with a real Keycloak token of every demo user: the API refuses
 * (403 FORBIDDEN) exactly the calls the user's policy refuses, and refuses every call that names a tenant the user
 * does not belong to. Requests are built to fail after the permission check (unknown ids, a body no schema
 * accepts), so an allowed call proves it got past authorization without changing anything.
 */
const keycloak = inject('keycloak');
let atrium: TestAtrium;
const users = ['alice', 'bob', 'april', 'vera', 'nina', 'gary', 'gus', 'gina', 'max', 'root'] as const;
const homeTenant: Record<(typeof users)[number], string> = {
  ...{ alice: 'acme', bob: 'acme', april: 'acme', vera: 'acme', nina: 'acme', max: 'acme', root: 'acme' },
  ...{ gary: 'globex', gus: 'globex', gina: 'globex' },
};
const tokens = new Map<string, string>();
const principals = new Map<string, Principal>();
const tenants = new Map<string, TenantRef>();

const guarded = modules.flatMap((m) => m.routes).filter((r) => r.auth !== 'public' && r.permission);
const tenantRoutes = guarded.filter((r) => r.auth === 'tenant');
const NO_SUCH_ID = '00000000-0000-4000-8000-00000000beef';
const isStream = (path: string) => path.endsWith('/stream');

function call(route: (typeof guarded)[number], user: string, tenant?: string) {
  const path = route.path.replace(/:[A-Za-z]+/g, NO_SUCH_ID);
  let req = atrium.http[route.method](path).set('Authorization', `Bearer ${tokens.get(user)}`);
  if (tenant) req = req.set('X-Tenant-ID', tenant);
  return route.method === 'get' || route.method === 'delete' ? req : req.send([1]); // an array matches no body schema
}

beforeAll(async () => {
  atrium = await createTestAtrium({
    worker: false,
    env: {
      OIDC_ISSUER_URL: keycloak.issuer,
      KEYCLOAK_ADMIN_CLIENT_SECRET: 'atrium-sync-dev-secret',
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_TENANT_PER_MINUTE: '100000',
    },
  });
  await fullSync(atrium.services, keycloakClientFor(atrium.services)!, keycloak.issuer);
  const rows = await atrium.services.db.query<TenantRef>(`SELECT id, slug, name, status FROM tenants WHERE slug IN ('acme', 'globex')`);
  for (const row of rows.rows) tenants.set(row.slug, row);
  const verifier = createTokenVerifier(atrium.config, [keycloak.issuer]);
  for (const user of users) {
    const token = (await keycloakToken(keycloak.issuer, user, demoPassword(user))).access_token;
    tokens.set(user, token);
    principals.set(user, await verifier.verify(token));
  }
}, 120_000);
afterAll(() => atrium?.close());

describe('every guarded route, every demo role', () => {
  it('covers the whole route table', () => {
    expect(tenants.size).toBe(2);
    expect(tenantRoutes.length).toBeGreaterThan(50);
    // a tenant route without a permission would escape this sweep (and every role check)
    expect(modules.flatMap((m) => m.routes).filter((r) => r.auth === 'tenant' && !r.permission)).toEqual([]);
  });

  it.each(users)('%s is refused exactly what the policy refuses, and nothing else', async (user) => {
    const tenant = tenants.get(homeTenant[user])!;
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const route of guarded) {
      const scoped = route.auth === 'tenant' ? tenant : null;
      const allowed = atrium.services.authz.can(principals.get(user)!, route.permission!, scoped);
      if (allowed && isStream(route.path)) continue; // an allowed event stream never ends
      const res = await call(route, user, scoped?.slug);
      const verdict =
        res.status === 403 && res.body.error?.code === 'FORBIDDEN' ? 'refused' : res.status < 500 && res.status !== 401 ? 'passed' : `HTTP ${res.status}`;
      outcomes.push(`${route.method.toUpperCase()} ${route.path}: ${verdict}`);
      expected.push(`${route.method.toUpperCase()} ${route.path}: ${allowed ? 'passed' : 'refused'}`);
    }
    expect(outcomes).toEqual(expected);
  });

  it('grants the platform admin every route and a member without roles none', () => {
    const acme = tenants.get('acme')!;
    const can = (user: string) => tenantRoutes.filter((r) => atrium.services.authz.can(principals.get(user)!, r.permission!, acme));
    expect(can('root')).toHaveLength(tenantRoutes.length);
    expect(can('nina')).toEqual([]);
    const writes = ['api_keys:manage', 'config:write', 'knowledge:write', 'tools:manage', 'approvals:decide', 'webhooks:manage', 'evals:manage'];
    expect(can('vera').filter((r) => writes.includes(r.permission!))).toEqual([]); // a viewer reads, never writes
    expect(can('vera').length).toBeGreaterThan(0);
  });
});

describe('every tenant route, another tenant named', () => {
  it.each([
    ['gary', 'acme'],
    ['gus', 'acme'],
    ['alice', 'globex'],
    ['bob', 'globex'],
  ])('%s naming %s (by slug and by id) is refused on every route', async (user, other) => {
    const wrong: string[] = [];
    for (const route of tenantRoutes) {
      for (const ref of [other, tenants.get(other)!.id]) {
        const res = await call(route, user, ref);
        if (res.status !== 403 || res.body.error?.code !== 'FORBIDDEN') wrong.push(`${route.method} ${route.path} [${ref}]: HTTP ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
