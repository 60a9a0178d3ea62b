import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../support/app';
import { appUrl, superuserUrl, PG_HOST, PG_PORT } from '../support/db';
import { buildTenant } from '../factories';
import { createPostgresDb } from '../../orchestrator/src/platform/db/postgres';
import { recordAudit, systemActor, verifyAuditChain } from '../../orchestrator/src/modules/audit';

const ROOT = join(__dirname, '..', '..');
const script = (name: string, args: string[]) => spawnSync('bash', [join(ROOT, 'scripts', 'ops', name), ...args], { encoding: 'utf8', timeout: 60_000 });
const server = `postgres://postgres@${PG_HOST}:${PG_PORT}`;

describe('backup and restore (scripts/ops)', () => {
  let atrium: TestAtrium;
  const restored = `atrium_restore_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'atrium-backup-'));
  const dump = join(dir, 'atrium.dump');

  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: superuserUrl('postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${restored} WITH (FORCE)`);
    await admin.end();
    await atrium.close();
  });

  it('restores a backup into a new database where the audit chain verifies and row-level security still holds', async () => {
    const tenant = await buildTenant(atrium.services);
    await atrium.services.db.withTenant(tenant.id, async (tx) => {
      for (let i = 0; i < 5; i++)
        await recordAudit(tx, tenant.id, { action: 'config.published', actor: systemActor('test'), resource: { type: 'x', id: String(i) } });
      await tx.query(`INSERT INTO conversations (tenant_id, title) VALUES ($1, 'kept across restore')`, [tenant.id]);
    });
    const before = await verifyAuditChain(atrium.services.db, tenant.id);

    const backup = script('backup.sh', [atrium.database.superuserUrl, dump]);
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    const restore = script('restore.sh', [dump, server, restored]);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    expect(restore.stdout).toMatch(/audit rows/);

    const db = createPostgresDb(appUrl(restored), 2);
    try {
      expect(await verifyAuditChain(db, tenant.id)).toEqual(before);
      const rows = await db.withTenant(tenant.id, (tx) => tx.query<{ title: string }>('SELECT title FROM conversations'));
      expect(rows.rows.map((r) => r.title)).toEqual(['kept across restore']);
      expect((await db.query('SELECT * FROM conversations')).rowCount).toBe(0); // no tenant scope, no rows
      await expect(db.withTenant(tenant.id, (tx) => tx.query('DELETE FROM audit_log'))).rejects.toThrow(/permission denied/);
    } finally {
      await db.close();
    }
  }, 90_000);

  it('refuses to restore over an existing database', () => {
    const again = script('restore.sh', [dump, server, restored]);
    expect(again.status).toBe(4);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('refuses a dump whose checksum no longer matches', () => {
    const copy = join(dir, 'tampered.dump');
    appendFileSync(copy, readFileSync(dump));
    appendFileSync(`${copy}.sha256`, readFileSync(`${dump}.sha256`, 'utf8').replace(dump, copy));
    appendFileSync(copy, 'x');
    const r = script('restore.sh', [copy, server, `${restored}_x`]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/checksum mismatch/);
  });
});
