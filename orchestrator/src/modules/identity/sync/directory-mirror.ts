import type { Services } from '../../../platform/services';
import type { PrincipalContext } from '../../../platform/http/context';
import { recordActivity } from '../../activity';
import { recordAudit, systemActor } from '../../audit';
import { createTenant } from '../../tenants';
import { ROLES } from '../policy';
import { platformPrincipal } from '../platform-principal';

/**
 * The database side of the directory sync: tenants, users and memberships mirrored from the identity provider.
 * Every write is idempotent and compares before it writes, so a sync that finds nothing new writes nothing
 * (no audit rows, no activity). Memberships are revoked, never deleted: see migration 0100.
 */
export const SYNC_JOB = 'identity.keycloak-sync';
const actor = systemActor(SYNC_JOB);

export interface DirectoryTenant {
  slug: string;
  name: string;
  groupId: string;
}

export interface DirectoryUser {
  subject: string;
  username: string;
  email?: string;
  name?: string;
  enabled: boolean;
}

export interface Grant {
  roles: string[];
  groups: string[];
}

export type MembershipChange = 'granted' | 'updated' | 'revoked' | 'unchanged';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const isTenantSlug = (s: string) => SLUG.test(s);
export const atriumRoles = (names: string[]) => [...new Set(names.filter((r) => (ROLES as readonly string[]).includes(r)))].sort();

/** Creates the tenant if new (config + first audit link, via the tenants module) and links it to its group. */
export async function upsertTenant(services: Services, t: DirectoryTenant): Promise<{ id: string; created: boolean }> {
  const existing = await services.db.query<{ id: string; idp_group_id: string | null }>('SELECT id, idp_group_id FROM tenants WHERE slug = $1', [t.slug]);
  let id = existing.rows[0]?.id;
  let created = false;
  if (!id) {
    const ctx = { services, principal: SYNC_PRINCIPAL, requestId: `sync:${t.slug}`, log: services.log, tenant: null } satisfies PrincipalContext;
    id = (await createTenant({ ctx, slug: t.slug, name: t.name })).id;
    created = true;
  }
  if (existing.rows[0]?.idp_group_id !== t.groupId)
    await services.db.query('UPDATE tenants SET idp_group_id = $2, updated_at = now() WHERE id = $1', [id, t.groupId]);
  return { id, created };
}

const SYNC_PRINCIPAL = platformPrincipal(`system:${SYNC_JOB}`);

const PROFILE = ['username', 'email', 'name'] as const;

/**
 * Inserts or refreshes the user row; returns its id and the profile fields that changed (none for a new user).
 * `disabled_at` is set once when the account is disabled.
 */
export async function upsertUser(services: Services, u: DirectoryUser): Promise<{ id: string; changed: string[] }> {
  // `before` reads the row as it was (a WITH query sees the snapshot the statement started from): one round trip.
  const r = await services.db.query<{ id: string; before: Record<(typeof PROFILE)[number], string | null> | null }>(
    `WITH before AS (SELECT username, email, name FROM users WHERE subject = $1)
     INSERT INTO users (subject, username, email, name, disabled_at, synced_at) VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN NULL ELSE now() END, now())
     ON CONFLICT (subject) DO UPDATE SET username = EXCLUDED.username, email = EXCLUDED.email, name = EXCLUDED.name, synced_at = now(),
       disabled_at = CASE WHEN $5 THEN NULL ELSE coalesce(users.disabled_at, now()) END,
       updated_at = CASE WHEN (users.username, users.email, users.name) IS DISTINCT FROM (EXCLUDED.username, EXCLUDED.email, EXCLUDED.name) THEN now() ELSE users.updated_at END
     RETURNING id, (SELECT to_jsonb(before) FROM before) AS before`,
    [u.subject, u.username, u.email ?? null, u.name ?? null, u.enabled],
  );
  const { id, before } = r.rows[0]!;
  return { id, changed: before ? PROFILE.filter((k) => before[k] !== (u[k] ?? null)) : [] };
}

/**
 * A member's directory profile changed: which fields (never their values), in one tenant they belong to. Returns
 * how many records were written (0 when no field changed).
 */
export async function recordProfileChange(services: Services, tenantId: string, subject: string, fields: string[]): Promise<number> {
  if (!fields.length) return 0;
  await services.db.withTenant(tenantId, (tx) =>
    record(services, tx, tenantId, subject, 'user.synced', 'A directory user changed their profile (Keycloak sync)', { fields }),
  );
  return 1;
}

/** Marks a user that no longer exists in the directory as disabled (their tokens are refused from now on). */
export async function markUserGone(services: Services, subject: string): Promise<void> {
  await services.db.query('UPDATE users SET disabled_at = coalesce(disabled_at, now()), synced_at = now() WHERE subject = $1', [subject]);
}

interface MembershipRow {
  roles: string[];
  groups: string[];
  revoked_at: Date | null;
}

/** Grants or updates one membership in the tenant's own transaction, with audit and activity when it changed. */
export async function applyGrant(services: Services, tenantId: string, userId: string, subject: string, grant: Grant): Promise<MembershipChange> {
  const roles = atriumRoles(grant.roles);
  const groups = [...new Set(grant.groups)].sort();
  return services.db.withTenant(tenantId, async (tx) => {
    const r = await tx.query<MembershipRow>('SELECT roles, groups, revoked_at FROM memberships WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE', [
      tenantId,
      userId,
    ]);
    const row = r.rows[0];
    if (row && !row.revoked_at && same(row.roles, roles) && same(row.groups, groups)) return 'unchanged';
    await tx.query(
      `INSERT INTO memberships (tenant_id, user_id, roles, groups, source) VALUES ($1, $2, $3, $4, 'keycloak')
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET roles = EXCLUDED.roles, groups = EXCLUDED.groups, source = 'keycloak', revoked_at = NULL, updated_at = now()`,
      [tenantId, userId, roles, groups],
    );
    const change: MembershipChange = row && !row.revoked_at ? 'updated' : 'granted';
    const summary = `A directory user ${change === 'granted' ? 'was given access' : 'had their roles changed'} (Keycloak sync)`;
    await record(services, tx, tenantId, subject, `membership.${change}`, summary, { roles, previous_roles: row && !row.revoked_at ? row.roles : [] });
    return change;
  });
}

/** Revokes the membership (if active) of a user who left the tenant's group or the directory. */
export async function revokeMembership(services: Services, tenantId: string, userId: string, subject: string, reason: string): Promise<MembershipChange> {
  return services.db.withTenant(tenantId, async (tx) => {
    const r = await tx.query(
      `UPDATE memberships SET revoked_at = now(), roles = '{}', updated_at = now() WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL AND source = 'keycloak'`,
      [tenantId, userId],
    );
    if (!r.rowCount) return 'unchanged';
    await record(services, tx, tenantId, subject, 'membership.revoked', 'A directory user lost access (Keycloak sync)', { reason });
    return 'revoked';
  });
}

/** Active directory-sourced memberships of one tenant: user id → subject. */
export async function activeMembers(services: Services, tenantId: string): Promise<Map<string, string>> {
  const r = await services.db.withTenant(tenantId, (tx) =>
    tx.query<{ user_id: string; subject: string }>(
      `SELECT m.user_id, u.subject FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 AND m.revoked_at IS NULL AND m.source = 'keycloak'`,
      [tenantId],
    ),
  );
  return new Map(r.rows.map((row) => [row.user_id, row.subject]));
}

/** Tenants mirrored from directory groups: slug → id. */
export async function mirroredTenants(services: Services): Promise<Map<string, string>> {
  const r = await services.db.query<{ id: string; slug: string }>('SELECT id, slug FROM tenants WHERE idp_group_id IS NOT NULL');
  return new Map(r.rows.map((row) => [row.slug, row.id]));
}

async function record(
  services: Services,
  tx: Parameters<typeof recordAudit>[0] & Parameters<typeof recordActivity>[0],
  tenantId: string,
  subject: string,
  action: `membership.${Exclude<MembershipChange, 'unchanged'>}` | 'user.synced',
  summary: string,
  data: Record<string, unknown>,
) {
  await recordAudit(tx, tenantId, { action, actor, resource: { type: 'user', id: subject }, data: { source: 'keycloak', ...data } });
  await recordActivity(tx, services.bus, tenantId, {
    type: action,
    actor: actor.ref,
    resourceType: 'user',
    resourceId: subject,
    summary,
    data: { source: 'keycloak', ...data },
  });
}

const same = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((v, i) => v === b[i]);

/** Where the incremental sync left off. */
export async function readSyncState(services: Services, source: string): Promise<{ eventCursor: number | null; lastFullSyncAt: Date | null }> {
  const r = await services.db.query<{ event_cursor: string | null; last_full_sync_at: Date | null }>(
    'SELECT event_cursor, last_full_sync_at FROM identity_sync_state WHERE source = $1',
    [source],
  );
  const row = r.rows[0];
  return { eventCursor: row?.event_cursor != null ? Number(row.event_cursor) : null, lastFullSyncAt: row?.last_full_sync_at ?? null };
}

export async function writeSyncState(services: Services, source: string, update: { eventCursor?: number; full?: boolean }): Promise<void> {
  await services.db.query(
    `INSERT INTO identity_sync_state (source, event_cursor, last_full_sync_at, last_incremental_sync_at) VALUES ($1, $2, CASE WHEN $3 THEN now() END, CASE WHEN $3 THEN NULL ELSE now() END)
     ON CONFLICT (source) DO UPDATE SET event_cursor = coalesce($2, identity_sync_state.event_cursor),
       last_full_sync_at = CASE WHEN $3 THEN now() ELSE identity_sync_state.last_full_sync_at END,
       last_incremental_sync_at = CASE WHEN $3 THEN identity_sync_state.last_incremental_sync_at ELSE now() END, updated_at = now()`,
    [source, update.eventCursor ?? null, update.full ?? false],
  );
}
