import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { loadConfig } from '../../orchestrator/src/platform/config';
import { createAtriumApp, createServices, stopServices } from '../../orchestrator/src/boot';
import type { Services } from '../../orchestrator/src/platform/services';
import { seedDemo } from '../../orchestrator/src/cli/seed';
import { verifyAuditChain } from '../../orchestrator/src/modules/audit';

/** The embedded default: PGlite (with pgvector) in-process, in-process queue, no external services. */
describe('embedded PGlite smoke path', () => {
  let services: Services;
  let http: ReturnType<typeof supertest>;
  let key: string;
  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ATRIUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'atrium-pglite-')), SEED_DEMO: 'true' });
    services = await createServices(config);
    http = supertest(createAtriumApp(services));
    key = (await seedDemo(services)).demoApiKey!;
  }, 120_000);
  afterAll(async () => stopServices(services));

  it('migrates, seeds a demo tenant and serves it through the API', async () => {
    expect(services.db.kind).toBe('pglite');
    const me = await http.get('/v1/me').set('Authorization', `Bearer ${key}`);
    expect(me.status).toBe(200);
    expect(me.body.tenants[0].slug).toBe('demo');
    expect((await http.get('/ready')).body.checks.database).toBe('ok');
  });

  it('enforces row-level security as the application role', async () => {
    const r = await services.db.query<{ u: string; n: number }>('SELECT current_user AS u, (SELECT count(*)::int FROM audit_log) AS n');
    expect(r.rows[0]).toEqual({ u: 'atrium_app', n: 0 });
    const demo = await services.db.query<{ id: string }>(`SELECT id FROM tenants WHERE slug = 'demo'`);
    expect((await verifyAuditChain(services.db, demo.rows[0]!.id)).ok).toBe(true);
  });

  it('answers a chat turn offline and audits it on an intact chain (audited transactions take the chain head with BEGIN)', async () => {
    const demo = await services.db.query<{ id: string }>(`SELECT id FROM tenants WHERE slug = 'demo'`);
    const before = await verifyAuditChain(services.db, demo.rows[0]!.id);
    const r = await http
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key}`)
      .send({ model: 'atrium', messages: [{ role: 'user', content: 'How long do refunds take?' }] });
    expect(r.status).toBe(200);
    expect(r.body.atrium.answered_by).toBe('extractive');
    const tenantId = demo.rows[0]!.id;
    expect((await verifyAuditChain(services.db, tenantId)).ok).toBe(true);
    const actions = await services.db.withTenant(tenantId, (tx) =>
      tx.query<{ action: string }>('SELECT action FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq', [tenantId, before.lastSeq]),
    );
    // conversation.created in the turn's first transaction, chat.turn in its second
    expect(actions.rows.map((row) => row.action)).toEqual(expect.arrayContaining(['conversation.created', 'chat.turn']));
  });

  it('runs a lead statement with inlined values and a final statement with COMMIT, as on the server', async () => {
    const demo = (await services.db.query<{ id: string; name: string }>(`SELECT id, name FROM tenants WHERE slug = 'demo'`)).rows[0]!;
    const lead = await services.db.withTenant(demo.id, async (tx) => tx.lead?.rows, { lead: 'SELECT :tenant AS t, :n AS n', leadValues: { n: 7 } });
    expect(lead).toEqual([{ t: demo.id, n: 7 }]);
    await services.db.withTenant(demo.id, async (tx) =>
      tx.finalStatement('UPDATE tenants SET name = name || :suffix WHERE id = :tenant', { suffix: 'x', tenant: demo.id }),
    );
    await expect(
      services.db.withTenant(demo.id, async (tx) => {
        await tx.query(`UPDATE tenants SET name = name || 'y' WHERE id = $1`, [demo.id]);
        tx.finalStatement('UPDATE tenants SET slug = NULL WHERE id = :tenant', { tenant: demo.id });
      }),
    ).rejects.toThrow(/null/);
    const after = (await services.db.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [demo.id])).rows[0]!;
    expect(after.name).toBe(`${demo.name}x`);
    await services.db.query('UPDATE tenants SET name = $2 WHERE id = $1', [demo.id, demo.name]);
  });

  it('has pgvector available', async () => {
    const r = await services.db.query<{ d: number }>(`SELECT '[1,2,3]'::vector <=> '[1,2,4]'::vector AS d`);
    expect(r.rows[0]!.d).toBeCloseTo(0.00854, 4);
  });

  it('is idempotent across re-seeding', async () => {
    const again = await seedDemo(services);
    expect(again.demoApiKey).toBe(key);
    const n = await services.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tenants WHERE slug = 'demo'`);
    expect(n.rows[0]!.n).toBe(1);
  });
});
