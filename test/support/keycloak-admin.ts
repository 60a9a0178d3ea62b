import KcAdminClient from '@keycloak/keycloak-admin-client';
import type { KeycloakInfo } from './keycloak';

/**
 * For tests that change Keycloak (sync add/remove, role changes): the official admin client, logged in as the
 * bootstrap master-realm admin and pointed at the `atrium` realm. Application code never does this: Atrium only
 * reads Keycloak through the least-privilege `atrium-sync` service account (connectors/keycloak).
 */
export interface KeycloakAdmin {
  client: KcAdminClient;
  /** Creates a user with the demo password convention, realm roles and tenant groups; returns its id. */
  createUser(input: { username: string; roles?: string[]; tenants?: string[]; enabled?: boolean }): Promise<string>;
  /** Creates /tenants/<slug> carrying the `tenant` attribute; returns the group id. */
  createTenantGroup(slug: string, displayName?: string): Promise<string>;
  groupIdByPath(path: string): Promise<string>;
  userIdByUsername(username: string): Promise<string>;
}

export async function keycloakAdmin(keycloak: Pick<KeycloakInfo, 'url' | 'adminPassword' | 'realm'>): Promise<KeycloakAdmin> {
  const client = new KcAdminClient({ baseUrl: keycloak.url, realmName: 'master' });
  await client.auth({ grantType: 'password', clientId: 'admin-cli', username: 'admin', password: keycloak.adminPassword });
  client.setConfig({ realmName: keycloak.realm });

  async function groupIdByPath(path: string): Promise<string> {
    // the admin client has no group-by-path call; the endpoint is plain REST (contract §6)
    const res = await fetch(`${keycloak.url}/admin/realms/${keycloak.realm}/group-by-path/${path.replace(/^\//, '')}`, {
      headers: { authorization: `Bearer ${client.accessToken}` },
    });
    if (!res.ok) throw new Error(`no Keycloak group ${path} (HTTP ${res.status})`);
    return ((await res.json()) as { id: string }).id;
  }
  async function userIdByUsername(username: string): Promise<string> {
    const [user] = await client.users.find({ username, exact: true });
    if (!user?.id) throw new Error(`no Keycloak user ${username}`);
    return user.id;
  }

  return {
    client,
    groupIdByPath,
    userIdByUsername,
    async createUser({ username, roles = [], tenants = [], enabled = true }) {
      const { id } = await client.users.create({
        username,
        email: `${username}@example.test`,
        firstName: username,
        lastName: 'Test',
        enabled,
        emailVerified: true,
        credentials: [{ type: 'password', value: `${username}-pass`, temporary: false }],
      });
      if (roles.length) {
        const mapped = await Promise.all(roles.map((name) => client.roles.findOneByName({ name })));
        await client.users.addRealmRoleMappings({ id, roles: mapped.map((r) => ({ id: r!.id!, name: r!.name! })) });
      }
      for (const slug of tenants) await client.users.addToGroup({ id, groupId: await groupIdByPath(`/tenants/${slug}`) });
      return id;
    },
    async createTenantGroup(slug, displayName = slug) {
      const parent = await groupIdByPath('/tenants');
      const { id } = await client.groups.createChildGroup({ id: parent }, { name: slug, attributes: { tenant: [slug], displayName: [displayName] } });
      return id;
    },
  };
}
