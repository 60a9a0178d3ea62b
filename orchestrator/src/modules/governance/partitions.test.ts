import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTenant } from '../../../../test/factories';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { appUrl, superuserUrl } from '../../../../test/support/db';
import { listMigrationFiles, MIGRATIONS_DIR, runMigrations, type Db, type MigrationConnection } from '../../platform/db';
import { createPgliteDb, openPglite, pgliteMigrationConnection } from '../../platform/db/pglite';
import { createPostgresDb, createPostgresMigrationConnection } from '../../platform/db/postgres';
import type { TenantRef } from '../../platform/http/context';
import { recordAudit, systemActor, verifyAuditChain } from '../audit';
import { maintainPartitions } from './commands/maintain-partitions';

const monthStart = (offset: number, day = 1) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, day));
};
const partitionOf = (parent: string, d: Date) => `${parent}_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

async function appendAudit(db: Db | MigrationConnection, tenantId: string, when: Date, label: string) {
  vi.useFakeTimers({ toFake: ['Date'], now: when });
  try {
    const write = (q: Pick<Db, 'query'>) =>
      recordAudit(q, tenantId, { action: 'config.published', actor: systemActor('test'), resource: { type: 'marker', id: label } });
    if ('withTenant' in db) await db.withTenant(tenantId, write);
    else await write(db);
  } finally {
    vi.useRealTimers();
  }
}

describe('monthly partitions of messages and audit_log', () => {
  let atrium: TestAtrium;
  let tenant: TenantRef;
  let other: TenantRef;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
    await maintainPartitions(atrium.services); // what a worker does at start (the template database may be older than this month)
    tenant = await buildTenant(atrium.services);
    other = await buildTenant(atrium.services);
  });
  afterAll(async () => atrium?.close());

  async function message(t: TenantRef, when: Date, content: string) {
    return atrium.services.db.withTenant(t.id, async (tx) => {
      const c = await tx.query<{ id: string }>(`INSERT INTO conversations (tenant_id, title) VALUES ($1, 'p') RETURNING id`, [t.id]);
      await tx.query(`INSERT INTO messages (tenant_id, conversation_id, role, content, created_at) VALUES ($1, $2, 'user', $3, $4)`, [
        t.id,
        c.rows[0]!.id,
        content,
        when,
      ]);
      return c.rows[0]!.id;
    });
  }

  it('stores rows in their month and lets the application role reach them only through the RLS-guarded parent', async () => {
    await message(tenant, new Date(), 'mine');
    await message(other, new Date(), 'theirs');
    const seen = await atrium.services.db.withTenant(tenant.id, (tx) => tx.query<{ content: string }>('SELECT content FROM messages'));
    expect(seen.rows.map((r) => r.content)).toEqual(['mine']);
    const placed = await atrium.database.asSuperuser<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM messages WHERE content = 'mine'`);
    expect(placed.rows[0]!.part).toBe(partitionOf('messages', monthStart(0)));
    for (const part of [partitionOf('messages', monthStart(0)), 'messages_default', partitionOf('audit_log', monthStart(0)), 'audit_log_default']) {
      await expect(atrium.services.db.withTenant(tenant.id, (tx) => tx.query(`SELECT count(*) FROM ${part}`))).rejects.toThrow(/permission denied/);
    }
  });

  it('refuses a second audit row with a sequence number already used, even when it would land in another month', async () => {
    await appendAudit(atrium.services.db, tenant.id, new Date(), 'one');
    await appendAudit(atrium.services.db, tenant.id, new Date(), 'two');
    const row = await atrium.database.asSuperuser<Record<string, unknown>>(`SELECT * FROM audit_log WHERE tenant_id = $1 AND seq = 2`, [tenant.id]);
    const r = row.rows[0]!;
    await expect(
      atrium.database.asSuperuser(
        `INSERT INTO audit_log (tenant_id, seq, occurred_at, actor_type, actor_ref, action, resource_type, prev_hash, hash) VALUES ($1, 2, $2, 'system', 'x', 'x', 'x', $3, $4)`,
        [tenant.id, monthStart(-2, 10), r.prev_hash, r.hash],
      ),
    ).rejects.toThrow(/duplicate audit sequence 2/);
    expect((await verifyAuditChain(atrium.services.db, tenant.id)).ok).toBe(true);
  });

  it('keeps the chain verifiable across months and the append-only rule on every partition', async () => {
    const t = await buildTenant(atrium.services);
    await appendAudit(atrium.services.db, t.id, monthStart(-1, 28), 'last month');
    await appendAudit(atrium.services.db, t.id, monthStart(0, 1), 'this month');
    const parts = await atrium.database.asSuperuser<{ part: string }>(
      `SELECT DISTINCT tableoid::regclass::text AS part FROM audit_log WHERE tenant_id = $1 ORDER BY 1`,
      [t.id],
    );
    // last month predates the partitions made at migration time: its row sits in the default partition
    expect(parts.rows.map((r) => r.part)).toEqual(['audit_log_default', partitionOf('audit_log', monthStart(0))]);
    const rows = await atrium.database.asSuperuser<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1`, [t.id]);
    expect(await verifyAuditChain(atrium.services.db, t.id)).toMatchObject({ ok: true, checked: rows.rows[0]!.n });
    await expect(atrium.database.asSuperuser(`DELETE FROM audit_log WHERE tenant_id = $1`, [t.id])).rejects.toThrow(/append-only/);
    await expect(
      atrium.database.asSuperuser(`UPDATE ${partitionOf('audit_log', monthStart(0))} SET action = 'x' WHERE tenant_id = $1`, [t.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('creates missing months ahead, and leaves a month whose rows already sit in the default partition to it', async () => {
    const ahead = monthStart(3, 12);
    await atrium.database.asSuperuser(`DROP TABLE ${partitionOf('messages', ahead)}, ${partitionOf('audit_log', ahead)}`); // as if the job had not run yet
    await message(tenant, ahead, 'early');
    const outcomes = await maintainPartitions(atrium.services);
    expect(outcomes).toContainEqual({ parent: 'audit_log', partition: partitionOf('audit_log', ahead), outcome: 'created' });
    expect(outcomes).toContainEqual({ parent: 'messages', partition: partitionOf('messages', ahead), outcome: 'blocked' });
    expect(outcomes.filter((o) => o.partition.endsWith(partitionOf('', monthStart(0))))).toEqual([
      { parent: 'messages', partition: partitionOf('messages', monthStart(0)), outcome: 'exists' },
      { parent: 'audit_log', partition: partitionOf('audit_log', monthStart(0)), outcome: 'exists' },
    ]);
    const early = await atrium.services.db.withTenant(tenant.id, (tx) =>
      tx.query<{ content: string }>(`SELECT content FROM messages WHERE created_at = $1`, [ahead]),
    );
    expect(early.rows).toEqual([{ content: 'early' }]);
  });

  it('yields to a request transaction instead of waiting on its locks, so it can never deadlock one', async () => {
    const ahead = monthStart(2, 5);
    await atrium.database.asSuperuser(`DROP TABLE IF EXISTS ${partitionOf('audit_log', ahead)}`);
    // a request transaction that has written an audit row and is still open
    const request = new pg.Client({ connectionString: appUrl(atrium.database.name) });
    await request.connect();
    try {
      await request.query('BEGIN');
      await request.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant.id]);
      await request.query(`SELECT count(*) FROM audit_log WHERE tenant_id = $1`, [tenant.id]);
      const started = Date.now();
      await expect(maintainPartitions(atrium.services)).rejects.toMatchObject({ code: '55P03' }); // lock_not_available
      expect(Date.now() - started).toBeLessThan(900); // gave up before deadlock_timeout (1 s) could pick a victim
      await request.query('COMMIT');
    } finally {
      await request.end();
    }
    const outcomes = await maintainPartitions(atrium.services);
    expect(outcomes).toContainEqual({ parent: 'audit_log', partition: partitionOf('audit_log', ahead), outcome: 'created' });
  });
});

/** Migrates a database to just before 0700, writes rows in two past months, then applies 0700 and checks them. */
async function upgradeExisting(conn: MigrationConnection, app: () => Promise<Db>) {
  const before = mkdtempSync(join(tmpdir(), 'atrium-migrations-'));
  // today's audit append (below) takes the chain head through 0710's function, which does not depend on 0700
  const needed = (name: string) => name < '0700' || name === '0710_audit_chain_head.sql';
  for (const f of listMigrationFiles().filter(needed)) copyFileSync(join(MIGRATIONS_DIR, f), join(before, f));
  await runMigrations(conn, before);
  const t = await conn.query<{ id: string }>(`INSERT INTO tenants (slug, name) VALUES ($1, 'Upgrade') RETURNING id`, [`up-${randomBytes(3).toString('hex')}`]);
  const tenantId = t.rows[0]!.id;
  const c = await conn.query<{ id: string }>(`INSERT INTO conversations (tenant_id, title) VALUES ($1, 'old') RETURNING id`, [tenantId]);
  const [jan, mar] = [new Date('2026-01-15T10:00:00Z'), new Date('2026-03-02T10:00:00Z')];
  for (const when of [jan, mar]) {
    await conn.query(`INSERT INTO messages (tenant_id, conversation_id, role, content, created_at) VALUES ($1, $2, 'user', 'kept', $3)`, [
      tenantId,
      c.rows[0]!.id,
      when,
    ]);
    await appendAudit(conn, tenantId, when, when.toISOString());
  }

  const applied = await runMigrations(conn);
  expect(applied.applied).toContain('0700_monthly_partitions.sql');
  const placed = await conn.query<{ part: string; n: number }>(
    `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM messages GROUP BY 1 UNION ALL SELECT tableoid::regclass::text, count(*)::int FROM audit_log GROUP BY 1 ORDER BY 1`,
  );
  expect(placed.rows).toEqual([
    { part: 'audit_log_y2026m01', n: 1 },
    { part: 'audit_log_y2026m03', n: 1 },
    { part: 'messages_y2026m01', n: 1 },
    { part: 'messages_y2026m03', n: 1 },
  ]);
  const db = await app();
  expect(await verifyAuditChain(db, tenantId)).toMatchObject({ ok: true, checked: 2 });
  return db;
}

describe('migration 0700 on a database that already holds rows', () => {
  it('moves messages and audit rows into their months on PostgreSQL 15, chain intact', async () => {
    const name = `atrium_up_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: superuserUrl('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const conn = await createPostgresMigrationConnection(superuserUrl(name));
    let db: Db | undefined;
    try {
      db = await upgradeExisting(conn, async () => createPostgresDb(appUrl(name), 2));
    } finally {
      await db?.close();
      await conn.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('does the same on PGlite', async () => {
    const pglite = await openPglite(undefined);
    try {
      await upgradeExisting(pgliteMigrationConnection(pglite), () => createPgliteDb(pglite));
    } finally {
      await pglite.close();
    }
  }, 120_000);
});
