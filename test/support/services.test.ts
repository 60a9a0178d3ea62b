import { decodeJwt } from 'jose';
import { describe, expect, inject, it } from 'vitest';
import { keycloakToken } from './keycloak';

/**
 * Proves the test services started by the global setup are the real thing and that keycloak/atrium-realm.json
 * produces the claims the identity module relies on. Expectations are written out here on purpose (not read
 * from the realm file), so a realm edit that changes who may do what fails this test.
 */
const demoUsers = [
  { username: 'alice', roles: ['tenant_admin', 'approver'], tenants: ['acme'] },
  { username: 'bob', roles: ['agent'], tenants: ['acme'] },
  { username: 'april', roles: ['approver'], tenants: ['acme'] },
  { username: 'vera', roles: ['viewer'], tenants: ['acme'] },
  { username: 'nina', roles: [], tenants: ['acme'] },
  { username: 'gary', roles: ['tenant_admin'], tenants: ['globex'] },
  { username: 'gus', roles: ['agent'], tenants: ['globex'] },
  { username: 'gina', roles: ['viewer'], tenants: ['globex'] },
  { username: 'max', roles: ['agent'], tenants: ['acme', 'globex'] },
  { username: 'root', roles: ['platform_admin'], tenants: [] },
];
const ATRIUM_ROLES = ['platform_admin', 'tenant_admin', 'approver', 'agent', 'viewer'];

describe('Keycloak test instance with the atrium realm', () => {
  const keycloak = inject('keycloak');

  it.each(demoUsers)('issues $username an access token with roles $roles and tenants $tenants', async ({ username, roles, tenants }) => {
    const { access_token } = await keycloakToken(keycloak.issuer, username, `${username}-pass`);
    const claims = decodeJwt(access_token) as {
      iss: string;
      aud: string | string[];
      realm_access?: { roles: string[] };
      tenant?: string[];
      groups?: string[];
      preferred_username: string;
    };
    expect(claims.iss).toBe(keycloak.issuer);
    expect([claims.aud].flat()).toContain('atrium-api');
    expect(claims.preferred_username).toBe(username);
    expect((claims.realm_access?.roles ?? []).filter((r) => ATRIUM_ROLES.includes(r)).sort()).toEqual([...roles].sort());
    expect([...(claims.tenant ?? [])].sort()).toEqual(tenants);
    expect([...(claims.groups ?? [])].sort()).toEqual(tenants.map((t) => `/tenants/${t}`));
  });

  it('refuses a wrong password', async () => {
    await expect(keycloakToken(keycloak.issuer, 'alice', 'not-her-password')).rejects.toThrow(/HTTP 400.*invalid_grant/);
  });
});

describe('n8n test instance', () => {
  const n8n = inject('n8n');

  it('answers the public API with the provisioned key and refuses it without', async () => {
    const withKey = await fetch(`${n8n.url}/api/v1/workflows`, { headers: { 'X-N8N-API-KEY': n8n.apiKey } });
    expect(withKey.status).toBe(200);
    expect(Array.isArray(((await withKey.json()) as { data: unknown }).data)).toBe(true);
    const withoutKey = await fetch(`${n8n.url}/api/v1/workflows`);
    expect(withoutKey.status).toBe(401);
  });
});
