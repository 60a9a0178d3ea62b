import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Tx } from '../../platform/db';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { buildTenant } from '../../../../test/factories';
import { auditAppend, auditedTransaction, recordAudit, recordAudits } from './record-audit';
import { verifyAuditChain } from './verify-chain';
import { systemActor } from './audit.events';

describe('audit log', () => {
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
  });
  afterAll(async () => atrium.close());

  const append = (tenantId: string, n: number) =>
    atrium.services.db.withTenant(tenantId, async (tx) => {
      for (let i = 0; i < n; i++)
        await recordAudit(tx, tenantId, {
          action: 'config.published',
          actor: systemActor('test'),
          resource: { type: 'tenant_config', id: String(i) },
          data: { i, nested: { b: 1, a: [1, 'x'] } },
        });
    });

  it('chains every row to the previous one and verifies', async () => {
    const t = await buildTenant(atrium.services);
    await append(t.id, 5);
    const r = await verifyAuditChain(atrium.services.db, t.id);
    expect(r).toMatchObject({ ok: true, checked: 6, lastSeq: 6 }); // 1 from tenant creation + 5
  });

  it('appends a batch in order in one call, interleaving with single appends, and the chain verifies', async () => {
    const t = await buildTenant(atrium.services);
    const batch = await atrium.services.db.withTenant(t.id, (tx) =>
      recordAudits(
        tx,
        t.id,
        ['a', 'b', 'c'].map((id) => ({
          action: 'config.published' as const,
          actor: systemActor('test'),
          resource: { type: 'tenant_config', id },
          data: { id },
        })),
      ),
    );
    expect(batch.map((r) => r.seq)).toEqual([2, 3, 4]);
    await append(t.id, 2);
    expect(await verifyAuditChain(atrium.services.db, t.id)).toMatchObject({ ok: true, checked: 6, lastSeq: 6 });
    const rows = await atrium.services.db.withTenant(t.id, (tx) =>
      tx.query<{ resource_id: string }>(`SELECT resource_id FROM audit_log WHERE seq BETWEEN 2 AND 4 ORDER BY seq`),
    );
    expect(rows.rows.map((r) => r.resource_id)).toEqual(['a', 'b', 'c']);
  });

  it('concurrent writers never fork the chain', async () => {
    const t = await buildTenant(atrium.services);
    await Promise.all(Array.from({ length: 8 }, () => append(t.id, 3)));
    const r = await verifyAuditChain(atrium.services.db, t.id);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(25);
  });

  it('a transaction that takes the lock and head with BEGIN sends no chain-head query, and mixed with others never forks the chain', async () => {
    const t = await buildTenant(atrium.services);
    const sent: string[] = [];
    const audited = (n: number) =>
      atrium.services.db.withTenant(
        t.id,
        async (tx) => {
          // the handle as commands get it (lead rows included), with every statement it sends recorded
          const spy: Tx = { ...tx, query: (sql, params) => (sent.push(sql), tx.query(sql, params)) };
          for (let i = 0; i < n; i++)
            await recordAudit(spy, t.id, {
              action: 'config.published',
              actor: systemActor('test'),
              resource: { type: 'tenant_config', id: String(i) },
            });
        },
        auditedTransaction,
      );
    await audited(2);
    expect(sent.filter((sql) => sql.includes('atrium_audit_chain_head'))).toEqual([]);
    expect(sent.filter((sql) => sql.includes('INSERT INTO audit_log'))).toHaveLength(2);
    await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? audited(3) : append(t.id, 3))));
    const r = await verifyAuditChain(atrium.services.db, t.id);
    expect(r).toMatchObject({ ok: true, checked: 1 + 2 + 24 });
  });

  it("folds an append into a caller's statement when the head came with BEGIN, and later appends chain after it", async () => {
    const t = await buildTenant(atrium.services);
    const event = (id: string) => ({ action: 'config.published' as const, actor: systemActor('test'), resource: { type: 'tenant_config', id } });
    // without the head at hand there is nothing to fold: the caller records the usual way
    expect(await atrium.services.db.withTenant(t.id, async (tx) => auditAppend(tx, t.id, [event('x')]))).toBeNull();
    await atrium.services.db.withTenant(
      t.id,
      async (tx) => {
        const folded = auditAppend(tx, t.id, [event('a'), event('b')])!;
        // the caller's own change and the audit rows in one statement, as a data-modifying CTE
        await tx.query(`WITH change AS (SELECT $1::text AS what), part0 AS (${folded.sql(2)}) SELECT what FROM change`, ['change', ...folded.params]);
        folded.appended();
        await recordAudit(tx, t.id, event('c'));
      },
      auditedTransaction,
    );
    const r = await verifyAuditChain(atrium.services.db, t.id);
    expect(r).toMatchObject({ ok: true, checked: 4, lastSeq: 4 });
  });

  it('reports the first row a superuser altered behind the database triggers', async () => {
    const t = await buildTenant(atrium.services);
    await append(t.id, 4);
    const admin = new pg.Client({ connectionString: atrium.database.superuserUrl });
    await admin.connect();
    await admin.query(`SET session_replication_role = replica`); // skips the immutability trigger
    await admin.query(`UPDATE audit_log SET data = '{"i": 99}' WHERE tenant_id = $1 AND seq = 3`, [t.id]);
    await admin.end();
    const r = await verifyAuditChain(atrium.services.db, t.id);
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toEqual({ seq: 3, reason: 'hash_mismatch' });
  });

  it('reports a deleted row as a sequence gap', async () => {
    const t = await buildTenant(atrium.services);
    await append(t.id, 3);
    const admin = new pg.Client({ connectionString: atrium.database.superuserUrl });
    await admin.connect();
    await admin.query(`SET session_replication_role = replica`);
    await admin.query(`DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 2`, [t.id]);
    await admin.end();
    expect((await verifyAuditChain(atrium.services.db, t.id)).firstBroken).toEqual({ seq: 3, reason: 'sequence_gap' });
  });

  it('refuses UPDATE and DELETE from the application role', async () => {
    const t = await buildTenant(atrium.services);
    await expect(atrium.services.db.withTenant(t.id, (tx) => tx.query(`UPDATE audit_log SET action = 'x'`))).rejects.toThrow(/permission denied/);
    await expect(atrium.services.db.withTenant(t.id, (tx) => tx.query(`DELETE FROM audit_log`))).rejects.toThrow(/permission denied/);
  });

  it('refuses UPDATE and DELETE even from the schema owner (trigger)', async () => {
    const t = await buildTenant(atrium.services);
    await expect(atrium.database.asSuperuser(`UPDATE audit_log SET action = 'x' WHERE tenant_id = $1`, [t.id])).rejects.toThrow(/append-only/);
    await expect(atrium.database.asSuperuser(`DELETE FROM audit_log WHERE tenant_id = $1`, [t.id])).rejects.toThrow(/append-only/);
  });

  it('an audit row rolls back with the change it records', async () => {
    const t = await buildTenant(atrium.services);
    await expect(
      atrium.services.db.withTenant(t.id, async (tx) => {
        await recordAudit(tx, t.id, { action: 'config.published', actor: systemActor('test'), resource: { type: 'x' } });
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect((await verifyAuditChain(atrium.services.db, t.id)).checked).toBe(1);
  });
});
