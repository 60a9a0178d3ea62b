/**
 * The demo users of the embedded development issuer: the same people, roles and tenants as the Keycloak realm
 * (keycloak/atrium-realm.json, keycloak/README.md), so switching between the two changes nothing for the shell.
 * A test keeps both lists in agreement. Passwords follow `<username>-pass`; they are public by design.
 */
export interface DemoUser {
  username: string;
  /** stable subject, like Keycloak's user UUID */
  sub: string;
  firstName: string;
  lastName: string;
  email: string;
  roles: string[];
  tenants: string[];
}

const user = (username: string, n: number, firstName: string, lastName: string, domain: string, roles: string[], tenants: string[]): DemoUser => ({
  username,
  sub: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  firstName,
  lastName,
  email: `${username}@${domain}.test`,
  roles,
  tenants,
});

export const DEMO_USERS: readonly DemoUser[] = [
  user('alice', 1, 'Alice', 'Admin', 'acme', ['tenant_admin', 'approver'], ['acme']),
  user('bob', 2, 'Bob', 'Agent', 'acme', ['agent'], ['acme']),
  user('april', 3, 'April', 'Approver', 'acme', ['approver'], ['acme']),
  user('vera', 4, 'Vera', 'Viewer', 'acme', ['viewer'], ['acme']),
  user('nina', 5, 'Nina', 'Norole', 'acme', [], ['acme']),
  user('gary', 6, 'Gary', 'Admin', 'globex', ['tenant_admin'], ['globex']),
  user('gus', 7, 'Gus', 'Agent', 'globex', ['agent'], ['globex']),
  user('gina', 8, 'Gina', 'Viewer', 'globex', ['viewer'], ['globex']),
  user('max', 9, 'Max', 'Multi', 'acme', ['agent'], ['acme', 'globex']),
  user('root', 10, 'Platform', 'Root', 'platform', ['platform_admin'], []),
];

export const demoPasswordOf = (username: string) => `${username}-pass`;

/** Keycloak-shaped claims (realm_access, groups with full paths, tenant) for tokens and userinfo. */
export function keycloakClaims(u: DemoUser) {
  return {
    preferred_username: u.username,
    email: u.email,
    email_verified: true,
    name: `${u.firstName} ${u.lastName}`,
    given_name: u.firstName,
    family_name: u.lastName,
    realm_access: { roles: u.roles },
    groups: u.tenants.map((t) => `/tenants/${t}`),
    tenant: u.tenants,
  };
}
