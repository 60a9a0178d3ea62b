import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { demoPassword, keycloakAdmin, keycloakToken, type KeycloakAdmin } from '../../../../test/support/keycloak';
import { fullSync, incrementalSync, keycloakClientFor } from './index';

/**
 * The directory sync against the real Keycloak (shared by test runs, so every user and tenant here is uniquely
 * named and assertions look only at them): additions, removals, idempotence, and that a removal also stops the
 * tokens issued before it.
 */
const keycloak = inject('keycloak');
let atrium: TestAtrium;
let admin: KeycloakAdmin;
const run = randomBytes(3).toString('hex');
const sync = (mode: 'full' | 'incremental') =>
  (mode === 'full' ? fullSync : incrementalSync)(atrium.services, keycloakClientFor(atrium.services)!, keycloak.issuer);

beforeAll(async () => {
  atrium = await createTestAtrium({ worker: false, env: { OIDC_ISSUER_URL: keycloak.issuer, KEYCLOAK_ADMIN_CLIENT_SECRET: 'atrium-sync-dev-secret' } });
  admin = await keycloakAdmin(keycloak);
  await sync('full');
});
afterAll(() => atrium?.close());

const membership = async (tenantSlug: string, username: string, on: TestAtrium = atrium) => {
  const tenant = (await on.services.db.query<{ id: string }>('SELECT id FROM tenants WHERE slug = $1', [tenantSlug])).rows[0];
  if (!tenant) return undefined;
  const r = await on.services.db.withTenant(tenant.id, (tx) =>
    tx.query<{ roles: string[]; groups: string[]; revoked_at: Date | null }>(
      'SELECT m.roles, m.groups, m.revoked_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.username = $1',
      [username],
    ),
  );
  return r.rows[0];
};
const auditActions = async (tenantSlug: string, subject: string) => {
  const tenant = (await atrium.services.db.query<{ id: string }>('SELECT id FROM tenants WHERE slug = $1', [tenantSlug])).rows[0]!;
  const r = await atrium.services.db.withTenant(tenant.id, (tx) =>
    tx.query<{ action: string }>(`SELECT action FROM audit_log WHERE resource_id = $1 ORDER BY seq`, [subject]),
  );
  return r.rows.map((row) => row.action);
};

const activityTypes = async (tenantSlug: string, subject: string) => {
  const tenant = (await atrium.services.db.query<{ id: string }>('SELECT id FROM tenants WHERE slug = $1', [tenantSlug])).rows[0]!;
  const r = await atrium.services.db.withTenant(tenant.id, (tx) =>
    tx.query<{ type: string }>('SELECT type FROM activity WHERE resource_id = $1 ORDER BY id', [subject]),
  );
  return r.rows.map((row) => row.type);
};

describe('Keycloak directory sync', () => {
  it('mirrors a new tenant group and a new member with their roles, with audit and activity rows', async () => {
    const slug = `t-${run}`;
    await admin.createTenantGroup(slug, `Tenant ${run}`);
    const subject = await admin.createUser({ username: `agent-${run}`, roles: ['agent'], tenants: [slug] });
    const report = await sync('incremental'); // group events → a full walk
    expect(report.tenantsCreated).toBeGreaterThanOrEqual(1);
    const tenant = (await atrium.services.db.query<{ name: string; idp_group_id: string }>('SELECT name, idp_group_id FROM tenants WHERE slug = $1', [slug]))
      .rows[0];
    expect(tenant?.name).toBe(`Tenant ${run}`);
    expect(await membership(slug, `agent-${run}`)).toMatchObject({ roles: ['agent'], groups: [`/tenants/${slug}`], revoked_at: null });
    expect(await auditActions(slug, subject)).toEqual(['membership.granted']);
    expect(await activityTypes(slug, subject)).toEqual(['membership.granted']);
  });

  it('is idempotent: syncing again changes nothing and writes no audit rows', async () => {
    const before = await auditActions(`t-${run}`, await admin.userIdByUsername(`agent-${run}`));
    const report = await sync('full');
    expect(report.granted + report.updated + report.revoked + report.tenantsCreated + report.profilesUpdated).toBe(0);
    expect(await auditActions(`t-${run}`, await admin.userIdByUsername(`agent-${run}`))).toEqual(before);
  });

  it('applies a role change from admin events (incremental) as a membership update', async () => {
    const subject = await admin.userIdByUsername(`agent-${run}`);
    const approver = await admin.client.roles.findOneByName({ name: 'approver' });
    await admin.client.users.addRealmRoleMappings({ id: subject, roles: [{ id: approver!.id!, name: 'approver' }] });
    const report = await sync('incremental');
    expect(report).toMatchObject({ mode: 'incremental', updated: 1 });
    expect((await membership(`t-${run}`, `agent-${run}`))?.roles).toEqual(['agent', 'approver']);
  });

  it('revokes a member removed from the tenant group, and refuses their still-valid token for that tenant', async () => {
    const username = `leaver-${run}`;
    const subject = await admin.createUser({ username, roles: ['agent'], tenants: ['acme'] });
    await sync('incremental');
    const { access_token } = await keycloakToken(keycloak.issuer, username, demoPassword(username));
    const call = () => atrium.http.get('/v1/tools').set('Authorization', `Bearer ${access_token}`).set('X-Tenant-ID', 'acme');
    expect((await call()).status).toBe(200);

    await admin.client.users.delFromGroup({ id: subject, groupId: await admin.groupIdByPath('/tenants/acme') });
    await new Promise((r) => setTimeout(r, 1100)); // revocation must be later than the token's iat (seconds)
    const report = await sync('incremental');
    expect(report.revoked).toBe(1);
    expect(await membership('acme', username)).toMatchObject({ roles: [], revoked_at: expect.any(Date) });
    expect(await auditActions('acme', subject)).toEqual(['membership.granted', 'membership.revoked']);
    expect(await activityTypes('acme', subject)).toEqual(['membership.granted', 'membership.revoked']);
    const refused = await call();
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
  });

  it('treats a deleted user as gone: memberships revoked and every older token refused', async () => {
    const username = `deleted-${run}`;
    const subject = await admin.createUser({ username, roles: ['viewer'], tenants: ['acme'] });
    await sync('incremental');
    const { access_token } = await keycloakToken(keycloak.issuer, username, demoPassword(username));
    await admin.client.users.del({ id: subject });
    await new Promise((r) => setTimeout(r, 1100));
    await sync('incremental');
    expect((await membership('acme', username))?.revoked_at).toBeInstanceOf(Date);
    const me = await atrium.http.get('/v1/me').set('Authorization', `Bearer ${access_token}`);
    expect(me.status).toBe(401);
    expect(me.body.error).toMatchObject({ code: 'INVALID_TOKEN', details: { reason: 'revoked' } });
  });

  it("records a profile change in each of the user's tenants, naming the fields but never their values", async () => {
    const username = `renamed-${run}`;
    const subject = await admin.createUser({ username, roles: ['viewer'], tenants: ['acme', 'globex'] });
    await sync('incremental');
    await admin.client.users.update({ id: subject }, { email: `new-${username}@example.test`, firstName: username, lastName: 'Test', emailVerified: true });
    expect((await sync('incremental')).profilesUpdated).toBe(2);
    for (const slug of ['acme', 'globex']) {
      expect(await auditActions(slug, subject)).toEqual(['membership.granted', 'user.synced']);
      expect(await activityTypes(slug, subject)).toEqual(['membership.granted', 'user.synced']);
    }
    const acmeId = (await atrium.services.db.query<{ id: string }>(`SELECT id FROM tenants WHERE slug = 'acme'`)).rows[0]!.id;
    const audit = await atrium.services.db.withTenant(acmeId, (tx) =>
      tx.query<{ data: unknown }>(`SELECT data FROM audit_log WHERE resource_id = $1 AND action = 'user.synced'`, [subject]),
    );
    expect(audit.rows[0]!.data).toMatchObject({ fields: ['email'] });
    expect(JSON.stringify(audit.rows)).not.toContain('new-');
    expect((await sync('full')).profilesUpdated).toBe(0);
  });

  it('revokes a member disabled in Keycloak on the full sync, saying so, and refuses their older tokens', async () => {
    const username = `disabled-${run}`;
    const subject = await admin.createUser({ username, roles: ['agent'], tenants: ['acme'] });
    await sync('incremental');
    const { access_token } = await keycloakToken(keycloak.issuer, username, demoPassword(username));
    await admin.client.users.update({ id: subject }, { enabled: false });
    await new Promise((r) => setTimeout(r, 1100));
    await sync('full');
    expect(await membership('acme', username)).toMatchObject({ roles: [], revoked_at: expect.any(Date) });
    const tenantId = (await atrium.services.db.query<{ id: string }>(`SELECT id FROM tenants WHERE slug = 'acme'`)).rows[0]!.id;
    const audit = await atrium.services.db.withTenant(tenantId, (tx) =>
      tx.query<{ data: { reason?: string } }>(`SELECT data FROM audit_log WHERE resource_id = $1 AND action = 'membership.revoked'`, [subject]),
    );
    expect(audit.rows.map((r) => r.data.reason)).toEqual(['disabled in Keycloak']);
    const me = await atrium.http.get('/v1/me').set('Authorization', `Bearer ${access_token}`);
    expect(me.body.error).toMatchObject({ code: 'INVALID_TOKEN', details: { reason: 'revoked' } });
  });

  it('lets an existing user into a tenant group added in Keycloak once the sync has run, not before', async () => {
    const username = `joiner-${run}`;
    const subject = await admin.createUser({ username, roles: ['agent'], tenants: ['acme'] });
    await sync('incremental');
    const slug = `j-${run}`;
    await admin.createTenantGroup(slug);
    await admin.client.users.addToGroup({ id: subject, groupId: await admin.groupIdByPath(`/tenants/${slug}`) });
    const { access_token } = await keycloakToken(keycloak.issuer, username, demoPassword(username));
    expect(decodeJwt(access_token).tenant).toEqual(expect.arrayContaining(['acme', slug]));
    const call = () => atrium.http.get('/v1/tools').set('Authorization', `Bearer ${access_token}`).set('X-Tenant-ID', slug);
    expect((await call()).status).toBe(403); // Keycloak already grants it; Atrium has not mirrored the tenant yet

    await sync('incremental');
    expect(await membership(slug, username)).toMatchObject({ roles: ['agent'], groups: [`/tenants/${slug}`], revoked_at: null });
    expect(await auditActions(slug, subject)).toEqual(['membership.granted']);
    expect((await call()).status).toBe(200);
  });

  it('runs by itself in the worker: a full sync at start, then admin events applied within seconds', async () => {
    const env = { OIDC_ISSUER_URL: keycloak.issuer, KEYCLOAK_ADMIN_CLIENT_SECRET: 'atrium-sync-dev-secret', KEYCLOAK_EVENTS_POLL_SECONDS: '2' };
    const scheduled = await createTestAtrium({ env }); // the worker starts the module's schedules
    try {
      await vi.waitFor(async () => expect(await membership('globex', 'gary', scheduled)).toMatchObject({ roles: ['tenant_admin'] }), {
        timeout: 30_000,
        interval: 500,
      });
      const username = `scheduled-${run}`;
      await admin.createUser({ username, roles: ['viewer'], tenants: ['globex'] });
      await vi.waitFor(async () => expect(await membership('globex', username, scheduled)).toMatchObject({ roles: ['viewer'], revoked_at: null }), {
        timeout: 30_000,
        interval: 500,
      });
    } finally {
      await scheduled.close();
    }
  });

  it('never writes to Keycloak: the service account holds only read roles', async () => {
    const roles = await admin.client.users.listClientRoleMappings({
      id: await admin.userIdByUsername('service-account-atrium-sync'),
      clientUniqueId: (await admin.client.clients.find({ clientId: 'realm-management' }))[0]!.id!,
    });
    expect(roles.map((r) => r.name).sort()).toEqual(['query-groups', 'view-events', 'view-realm', 'view-users']);
  });
});
