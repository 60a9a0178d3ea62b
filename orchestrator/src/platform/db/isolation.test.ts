import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { buildTenant } from '../../../../test/factories';

/** Row-level security is the last line: even raw SQL by the app role cannot cross tenants. */
describe('database-level tenant isolation', () => {
  let atrium: TestAtrium;
  let a: { id: string };
  let b: { id: string };
  let client: pg.Client;

  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
    a = await buildTenant(atrium.services);
    b = await buildTenant(atrium.services);
    client = new pg.Client({ connectionString: atrium.database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await atrium.close();
  });

  it('connects as the non-superuser application role', async () => {
    const r = await client.query(
      `SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS s, (SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user) AS b`,
    );
    expect(r.rows[0]).toEqual({ u: 'atrium_app', s: false, b: false });
  });

  it('with tenant A set, unfiltered SQL sees none of tenant B', async () => {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [a.id]);
    for (const table of [
      'tenant_config_versions',
      'audit_log',
      'activity',
      'api_keys',
      'memberships',
      'conversations',
      'messages',
      'integrations',
      'webhook_deliveries',
    ]) {
      const r = await client.query(`SELECT tenant_id FROM ${table}`);
      expect(
        r.rows.every((row) => row.tenant_id === a.id),
        table,
      ).toBe(true);
    }
    const own = await client.query('SELECT count(*)::int AS n FROM tenant_config_versions');
    expect(own.rows[0].n).toBeGreaterThan(0);
    await client.query('COMMIT');
  });

  it('without a tenant set, tenant tables are empty', async () => {
    const r = await client.query('SELECT count(*)::int AS n FROM audit_log');
    expect(r.rows[0].n).toBe(0);
  });

  it('cannot insert rows for tenant B while scoped to tenant A', async () => {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [a.id]);
    await expect(client.query(`INSERT INTO conversations (tenant_id, channel) VALUES ($1, 'api')`, [b.id])).rejects.toThrow(/row-level security/);
    await client.query('ROLLBACK');
  });

  it('cannot update or delete rows of tenant B while scoped to tenant A', async () => {
    await atrium.services.db.withTenant(b.id, (tx) => tx.query(`INSERT INTO conversations (tenant_id, channel, title) VALUES ($1, 'api', 'b-secret')`, [b.id]));
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [a.id]);
    const updated = await client.query(`UPDATE conversations SET title = 'stolen' WHERE title = 'b-secret'`);
    const deleted = await client.query(`DELETE FROM conversations WHERE title = 'b-secret'`);
    expect(updated.rowCount).toBe(0);
    expect(deleted.rowCount).toBe(0);
    await client.query('COMMIT');
    const still = await atrium.database.asSuperuser(`SELECT title FROM conversations WHERE tenant_id = $1`, [b.id]);
    expect(still.rows).toEqual([{ title: 'b-secret' }]);
  });

  it('the tenant setting does not leak out of its transaction on a pooled connection', async () => {
    await atrium.services.db.withTenant(a.id, async () => undefined);
    const r = await atrium.services.db.query<{ t: string | null }>(`SELECT nullif(current_setting('app.tenant_id', true), '') AS t`);
    expect(r.rows[0]!.t).toBeNull();
  });

  it('a read-only tenant transaction refuses writes, and its local settings and scope end with it', async () => {
    const { db } = atrium.services;
    await expect(
      db.withTenant(a.id, (tx) => tx.query(`INSERT INTO activity (tenant_id, type, summary) VALUES ($1, 'x', 'y')`, [a.id]), { readOnly: true }),
    ).rejects.toThrow(/read-only transaction/);
    const seen = await db.withTenant(
      a.id,
      (tx) => tx.query<{ t: string; ef: string }>(`SELECT current_setting('app.tenant_id') AS t, current_setting('enable_sort') AS ef`),
      { readOnly: true, settings: { enable_sort: 'off' } },
    );
    expect(seen.rows[0]).toEqual({ t: a.id, ef: 'off' });
    // the pool (size ≥ 1) hands the same connections out again: nothing of those transactions is left on them
    const after = await Promise.all(
      Array.from({ length: 4 }, () =>
        db.query<{ t: string | null; ef: string; ro: string }>(
          `SELECT nullif(current_setting('app.tenant_id', true), '') AS t, current_setting('enable_sort') AS ef, current_setting('transaction_read_only') AS ro`,
        ),
      ),
    );
    for (const r of after) expect(r.rows[0]).toEqual({ t: null, ef: 'on', ro: 'off' });
  });

  it('a lead statement runs first in the tenant scope, its rows on tx.lead; only a SELECT naming :tenant is accepted', async () => {
    const { db } = atrium.services;
    const lead = 'SELECT :tenant AS named, atrium_current_tenant() AS scoped';
    const seen = await db.withTenant(a.id, async (tx) => tx.lead, { lead });
    expect(seen).toEqual({ sql: lead, rows: [{ named: a.id, scoped: a.id }] });
    expect(await db.withTenant(a.id, async (tx) => tx.lead)).toBeUndefined();
    for (const bad of ['SELECT 1', 'SELECT :tenant; DROP TABLE tenants', "SELECT ':tenant'", 'DELETE FROM tenants WHERE id = :tenant']) {
      await expect(db.withTenant(a.id, async () => 1, { lead: bad })).rejects.toThrow(/lead statement/);
    }
  });

  it("inlines a lead statement's other values only when they are uuids, integers or plain words", async () => {
    const { db } = atrium.services;
    const lead = 'SELECT :tenant AS t, :other::text AS o, :n AS n, :word AS w';
    const seen = await db.withTenant(a.id, async (tx) => tx.lead?.rows, { lead, leadValues: { other: b.id, n: 42, word: 'processed' } });
    expect(seen).toEqual([{ t: a.id, o: b.id, n: 42, w: 'processed' }]); // (a `::type` cast is no placeholder)
    for (const bad of [
      { other: "x' OR true --", n: 1, word: 'a' },
      { other: b.id, n: 1.5, word: 'a' },
      { other: b.id, n: 1, word: 'Robert); DROP' },
    ]) {
      await expect(db.withTenant(a.id, async () => 1, { lead, leadValues: bad })).rejects.toThrow(/inlined value/);
    }
    await expect(db.withTenant(a.id, async () => 1, { lead })).rejects.toThrow(/no value for :other/);
  });

  it('sends a final statement with COMMIT: applied with the transaction, rolled back with it, refused where it cannot apply', async () => {
    const { db } = atrium.services;
    const name = async () => (await db.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [a.id])).rows[0]!.name;
    const before = await name();
    const rename = 'UPDATE tenants SET name = name || :suffix WHERE id = :tenant';
    await db.withTenant(a.id, async (tx) => tx.finalStatement(rename, { suffix: 'x', tenant: a.id }));
    expect(await name()).toBe(`${before}x`);
    // the transaction's own failure: the final statement never runs
    await expect(db.withTenant(a.id, async (tx) => (tx.finalStatement(rename, { suffix: 'y', tenant: a.id }), tx.query('SELECT 1/0')))).rejects.toThrow();
    // the final statement's failure: the transaction's earlier writes roll back with it
    await expect(
      db.withTenant(a.id, async (tx) => {
        await tx.query(`UPDATE tenants SET name = name || 'z' WHERE id = $1`, [a.id]);
        tx.finalStatement('UPDATE tenants SET slug = NULL WHERE id = :tenant', { tenant: a.id });
      }),
    ).rejects.toThrow(/null/);
    expect(await name()).toBe(`${before}x`);
    await expect(db.withTenant(a.id, async (tx) => tx.finalStatement('SELECT 1 WHERE :tenant IS NOT NULL', { tenant: a.id }))).rejects.toThrow(
      /final statement/,
    );
    await expect(db.withTenant(a.id, async (tx) => tx.finalStatement(rename, { suffix: 'x', tenant: a.id }), { readOnly: true })).rejects.toThrow(/read-only/);
    expect(await name()).toBe(`${before}x`);
  });

  it('refuses a transaction-local setting that is not a plain word', async () => {
    await expect(atrium.services.db.withTenant(a.id, async () => 1, { settings: { 'hnsw.ef_search': "1'; DROP TABLE tenants; --" } })).rejects.toThrow(
      /invalid/,
    );
    await expect(atrium.services.db.withTenant(a.id, async () => 1, { settings: { 'app.tenant_id': 'x' } })).rejects.toThrow(/invalid/);
  });
});
