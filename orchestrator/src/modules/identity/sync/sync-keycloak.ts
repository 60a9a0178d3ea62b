import type { KeycloakAdminClient, KeycloakGroup, KeycloakUser } from '@atrium/connectors/keycloak';
import type { Services } from '../../../platform/services';
import {
  activeMembers,
  applyGrant,
  isTenantSlug,
  markUserGone,
  mirroredTenants,
  readSyncState,
  recordProfileChange,
  revokeMembership,
  upsertTenant,
  upsertUser,
  writeSyncState,
  type DirectoryUser,
  type MembershipChange,
} from './directory-mirror';

/**
 * Mirrors Keycloak into Atrium: tenants from the groups under /tenants (attribute `tenant` = slug), users and their
 * memberships (effective realm roles) from the groups' members. Read-only towards Keycloak. A full sync walks every
 * tenant group; the incremental sync reads admin events since its cursor and re-syncs only the users they touch
 * (falling back to a full sync for group-level changes, which can affect many users at once).
 */
export interface SyncReport {
  mode: 'full' | 'incremental';
  tenantsCreated: number;
  granted: number;
  updated: number;
  revoked: number;
  /** profile changes (username, email, name) recorded, one per tenant of the user */
  profilesUpdated: number;
  usersSeen: number;
}

const TENANTS_PATH = '/tenants';
const PAGE = 100;

const emptyReport = (mode: SyncReport['mode']): SyncReport => ({
  mode,
  tenantsCreated: 0,
  granted: 0,
  updated: 0,
  revoked: 0,
  profilesUpdated: 0,
  usersSeen: 0,
});
const count = (report: SyncReport, change: MembershipChange) => {
  if (change !== 'unchanged') report[change] += 1;
};

const slugOf = (g: KeycloakGroup) => (g.attributes?.tenant?.[0] ?? g.name).toLowerCase();
const directoryUser = (u: KeycloakUser): DirectoryUser => ({
  subject: u.id,
  username: u.username,
  email: u.email,
  name: [u.firstName, u.lastName].filter(Boolean).join(' ') || undefined,
  enabled: u.enabled,
});

async function tenantGroups(kc: KeycloakAdminClient): Promise<KeycloakGroup[]> {
  const parent = await kc.groupByPath(TENANTS_PATH);
  if (!parent) return [];
  const out: KeycloakGroup[] = [];
  for (let first = 0; ; first += PAGE) {
    const page = await kc.groupChildren(parent.id, { first, max: PAGE });
    out.push(...page.filter((g) => isTenantSlug(slugOf(g))));
    if (page.length < PAGE) return out;
  }
}

async function groupMembers(kc: KeycloakAdminClient, groupId: string): Promise<KeycloakUser[]> {
  const out: KeycloakUser[] = [];
  for (let first = 0; ; first += PAGE) {
    const page = await kc.groupMembers(groupId, { first, max: PAGE });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

export async function fullSync(services: Services, kc: KeycloakAdminClient, source: string): Promise<SyncReport> {
  const report = emptyReport('full');
  // Cursor first: events that happen while this walk runs are replayed by the next incremental sync.
  const startedAt = Date.now();
  const groups = await tenantGroups(kc);
  const rolesCache = new Map<string, string[]>();
  const userIds = new Map<string, string>();
  const profileChanges = new Map<string, string[]>();
  const seenTenants = new Set<string>();
  for (const group of groups) {
    const { id: tenantId, created } = await upsertTenant(services, {
      slug: slugOf(group),
      name: group.attributes?.displayName?.[0] ?? group.name,
      groupId: group.id,
    });
    if (created) report.tenantsCreated += 1;
    seenTenants.add(slugOf(group));
    const stillMembers = new Set<string>();
    const disabled = new Set<string>();
    for (const member of await groupMembers(kc, group.id)) {
      let userId = userIds.get(member.id);
      if (!userId) {
        const upserted = await upsertUser(services, directoryUser(member));
        userId = upserted.id;
        userIds.set(member.id, userId);
        profileChanges.set(member.id, upserted.changed);
      }
      if (!member.enabled) {
        disabled.add(userId); // a disabled account keeps no access; the loop below revokes it
        continue;
      }
      const roles = rolesCache.get(member.id) ?? (await kc.userRealmRoles(member.id)).map((r) => r.name);
      rolesCache.set(member.id, roles);
      stillMembers.add(userId);
      count(report, await applyGrant(services, tenantId, userId, member.id, { roles, groups: [group.path] }));
      report.profilesUpdated += await recordProfileChange(services, tenantId, member.id, profileChanges.get(member.id)!);
    }
    for (const [userId, subject] of await activeMembers(services, tenantId)) {
      if (stillMembers.has(userId)) continue;
      const reason = disabled.has(userId) ? 'disabled in Keycloak' : 'no longer in the Keycloak group';
      count(report, await revokeMembership(services, tenantId, userId, subject, reason));
    }
  }
  // Tenant groups deleted in Keycloak: the tenant and its data stay, the directory memberships go.
  for (const [slug, tenantId] of await mirroredTenants(services)) {
    if (seenTenants.has(slug)) continue;
    for (const [userId, subject] of await activeMembers(services, tenantId))
      count(report, await revokeMembership(services, tenantId, userId, subject, 'Keycloak group removed'));
  }
  report.usersSeen = userIds.size;
  await writeSyncState(services, source, { full: true, eventCursor: startedAt });
  return report;
}

/** Re-syncs one user everywhere: grants for their tenant groups, revocations for the rest. */
export async function syncUser(services: Services, kc: KeycloakAdminClient, subject: string, report: SyncReport): Promise<void> {
  const user = await kc.findUser(subject);
  const tenants = await mirroredTenants(services);
  if (!user) await markUserGone(services, subject);
  const upserted = user ? await upsertUser(services, directoryUser(user)) : undefined;
  const userId = upserted?.id ?? (await existingUserId(services, subject));
  if (!userId) return; // never seen and already gone: nothing to mirror
  const groups = user?.enabled ? (await kc.userGroups(subject)).filter((g) => g.path.startsWith(`${TENANTS_PATH}/`)) : [];
  const roles = groups.length ? (await kc.userRealmRoles(subject)).map((r) => r.name) : [];
  const granted = new Set<string>();
  for (const group of groups) {
    const { id: tenantId } = await upsertTenant(services, { slug: slugOf(group), name: group.attributes?.displayName?.[0] ?? group.name, groupId: group.id });
    granted.add(tenantId);
    count(report, await applyGrant(services, tenantId, userId, subject, { roles, groups: [group.path] }));
    report.profilesUpdated += await recordProfileChange(services, tenantId, subject, upserted?.changed ?? []);
  }
  const reason = !user ? 'deleted in Keycloak' : !user.enabled ? 'disabled in Keycloak' : 'no longer in the Keycloak group';
  for (const tenantId of tenants.values()) {
    if (!granted.has(tenantId)) count(report, await revokeMembership(services, tenantId, userId, subject, reason));
  }
  report.usersSeen += 1;
}

async function existingUserId(services: Services, subject: string): Promise<string | undefined> {
  return (await services.db.query<{ id: string }>('SELECT id FROM users WHERE subject = $1', [subject])).rows[0]?.id;
}

/** Admin events since the cursor → the users they touch; any group-level change → a full sync instead. */
export async function incrementalSync(services: Services, kc: KeycloakAdminClient, source: string): Promise<SyncReport> {
  const { eventCursor } = await readSyncState(services, source);
  if (eventCursor === null) return fullSync(services, kc, source);
  const users = new Set<string>();
  let needsFull = false;
  let cursor = eventCursor;
  for (let first = 0; ; first += PAGE) {
    const events = await kc.adminEvents({ fromTime: eventCursor, first, max: PAGE });
    for (const e of events) {
      cursor = Math.max(cursor, e.time);
      const [kind, id] = (e.resourcePath ?? '').split('/');
      if (kind === 'users' && id) users.add(id);
      else if (kind === 'groups' || kind === 'roles' || kind === 'roles-by-id') needsFull = true;
    }
    if (events.length < PAGE) break;
  }
  if (needsFull) return fullSync(services, kc, source);
  const report = emptyReport('incremental');
  for (const subject of users) await syncUser(services, kc, subject, report);
  // Events at exactly `cursor` are read again next time (dateFrom is inclusive); re-syncing a user is idempotent.
  await writeSyncState(services, source, { eventCursor: cursor });
  return report;
}
