import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import type { TenantRef } from '../../platform/http/context';
import { recordAudit, recordAudits, systemActor } from '../audit';

describe('governance APIs', () => {
  let atrium: TestAtrium;
  let tenant: TenantRef;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
    tenant = await buildTenant(atrium.services);
    admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    viewer = (await buildApiKey(atrium.services, tenant, { scopes: ['viewer'] })).key;
    await atrium.services.db.withTenant(tenant.id, async (tx) => {
      for (let i = 0; i < 7; i++) {
        await recordAudit(tx, tenant.id, {
          action: i % 2 ? 'tool.executed' : 'tool.denied',
          actor: { type: 'user', ref: i < 3 ? 'kc-ann' : 'kc-ben' },
          resource: { type: 'tool', id: `tool-${i}` },
          data: { note: 'has, "quotes" and commas' },
        });
      }
    });
  });
  afterAll(async () => atrium.close());

  describe('GET /v1/admin/audit-logs', () => {
    it('pages newest first with a cursor until the log is exhausted', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const r: { status: number; body: { items: Array<{ seq: number }>; next_cursor: string | null } } = await atrium.http
          .get('/v1/admin/audit-logs')
          .query({ limit: 3, ...(cursor ? { cursor } : {}) })
          .set(bearer(admin));
        expect(r.status).toBe(200);
        seen.push(...r.body.items.map((i: { seq: number }) => i.seq));
        cursor = r.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    });

    it('filters by actor, action prefix, resource and time', async () => {
      const q = (query: Record<string, string>) => atrium.http.get('/v1/admin/audit-logs').query(query).set(bearer(admin));
      expect((await q({ actor: 'kc-ann' })).body.items).toHaveLength(3);
      expect((await q({ action: 'tool.executed' })).body.items).toHaveLength(3);
      expect((await q({ action: 'tool.*' })).body.items).toHaveLength(7);
      expect((await q({ resource_type: 'tool', resource_id: 'tool-4' })).body.items.map((i: { seq: number }) => i.seq)).toEqual([6]);
      expect((await q({ from: new Date(Date.now() + 60_000).toISOString() })).body.items).toEqual([]);
      expect((await q({ to: new Date(Date.now() + 60_000).toISOString(), actor: 'kc-ben' })).body.items).toHaveLength(4);
    });

    it('answers 401 without a credential, 403 to a viewer, 400 to a malformed cursor or date', async () => {
      expect((await atrium.http.get('/v1/admin/audit-logs')).status).toBe(401);
      expect((await atrium.http.get('/v1/admin/audit-logs').set(bearer(viewer))).status).toBe(403);
      const bad = await atrium.http.get('/v1/admin/audit-logs').query({ cursor: 'abc' }).set(bearer(admin));
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION');
      expect((await atrium.http.get('/v1/admin/audit-logs').query({ from: 'yesterday' }).set(bearer(admin))).status).toBe(400);
    });

    it("verifies the tenant's own chain: the verify endpoint names the tenant and how many links it checked", async () => {
      const r = await atrium.http.get('/v1/admin/audit-logs/verify').set(bearer(admin));
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ tenant_id: tenant.id, ok: true });
      expect(r.body.checked).toBe(r.body.last_seq);
      expect(r.body.checked).toBeGreaterThanOrEqual(8);
      const other = await buildTenant(atrium.services);
      const otherKey = (await buildApiKey(atrium.services, other, { scopes: ['tenant_admin'] })).key;
      expect((await atrium.http.get('/v1/admin/audit-logs/verify').set(bearer(otherKey))).body).toMatchObject({ tenant_id: other.id, ok: true, checked: 1 });
      expect((await atrium.http.get('/v1/admin/audit-logs/verify').set(bearer(viewer))).status).toBe(403);
    });

    it("never shows another tenant's rows", async () => {
      const other = await buildTenant(atrium.services);
      const otherKey = (await buildApiKey(atrium.services, other, { scopes: ['tenant_admin'] })).key;
      const r = await atrium.http.get('/v1/admin/audit-logs').set(bearer(otherKey));
      expect(r.body.items.map((i: { action: string }) => i.action)).toEqual(['tenant.created']);
    });
  });

  describe('POST /v1/admin/audit-logs/export', () => {
    it('streams JSONL led by the chain verification, and audits the export', async () => {
      const r = await atrium.http
        .post('/v1/admin/audit-logs/export')
        .send({ format: 'jsonl', action: 'tool.*' })
        .set(bearer(admin))
        .buffer(true)
        .parse((res, cb) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => cb(null, text));
        });
      expect(r.status).toBe(200);
      expect(r.headers['x-audit-chain-ok']).toBe('true');
      const lines = (r.body as string)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines[0]).toMatchObject({ type: 'chain_verification', ok: true, checked: 8 });
      expect(lines.slice(1).map((l) => l.seq)).toEqual([2, 3, 4, 5, 6, 7, 8]);
      const exported = await atrium.http.get('/v1/admin/audit-logs').query({ action: 'audit.exported' }).set(bearer(admin));
      expect(exported.body.items).toHaveLength(1);
    });

    it('streams CSV that a CSV parser reads back field for field', async () => {
      const r = await atrium.http.post('/v1/admin/audit-logs/export').send({ format: 'csv', actor: 'kc-ann' }).set(bearer(admin));
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/csv/);
      const [comment, ...rest] = r.text.split('\n');
      expect(comment).toMatch(/^# chain_verification ok=true/);
      const parsed = Papa.parse<Record<string, string>>(rest.join('\n').trim(), { header: true });
      expect(parsed.errors).toEqual([]);
      expect(parsed.data).toHaveLength(3);
      expect(JSON.parse(parsed.data[0]!.data!)).toEqual({ note: 'has, "quotes" and commas' });
    });

    it('streams a log larger than one read batch completely and in order', async () => {
      const big = await buildTenant(atrium.services);
      const bigKey = (await buildApiKey(atrium.services, big, { scopes: ['tenant_admin'] })).key;
      const events = Array.from({ length: 2100 }, (_, i) => ({
        action: 'tool.executed' as const,
        actor: systemActor('test'),
        resource: { type: 'tool', id: `t-${i}` },
      }));
      await atrium.services.db.withTenant(big.id, (tx) => recordAudits(tx, big.id, events));
      const r = await atrium.http.post('/v1/admin/audit-logs/export').send({ format: 'jsonl' }).set(bearer(bigKey));
      const lines = r.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; seq: number });
      expect(lines[0]).toMatchObject({ type: 'chain_verification', ok: true, checked: 2101, last_seq: 2101 });
      // exactly the verified rows: the export's own audit row (2102) was appended after the verification
      expect(lines.slice(1).map((l) => l.seq)).toEqual(Array.from({ length: 2101 }, (_, i) => i + 1));
      const again = await atrium.http.post('/v1/admin/audit-logs/export').send({ format: 'jsonl', action: 'audit.exported' }).set(bearer(bigKey));
      expect(
        again.text
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { seq?: number }).seq),
      ).toEqual([undefined, 2102]);
    });

    it('refuses an unknown format', async () => {
      const r = await atrium.http.post('/v1/admin/audit-logs/export').send({ format: 'xml' }).set(bearer(admin));
      expect(r.status).toBe(400);
    });
  });

  describe('GET /v1/admin/usage', () => {
    it('reports per day, channel and model with rates over conversations', async () => {
      const t = await buildTenant(atrium.services);
      const key = (await buildApiKey(atrium.services, t, { scopes: ['viewer'] })).key;
      await atrium.services.db.withTenant(t.id, async (tx) => {
        const conv = async (channel: string, status: string, owner: string) =>
          (
            await tx.query<{ id: string }>(`INSERT INTO conversations (tenant_id, channel, status, owner) VALUES ($1, $2, $3, $4) RETURNING id`, [
              t.id,
              channel,
              status,
              owner,
            ])
          ).rows[0]!.id;
        const msg = (c: string, role: string, model: string | null, tokens: number, cost: number, latency: number | null) =>
          tx.query(
            `INSERT INTO messages (tenant_id, conversation_id, role, model, prompt_tokens, completion_tokens, cost_usd, latency_ms) VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`,
            [t.id, c, role, model, tokens, cost, latency],
          );
        const a = await conv('chatwoot', 'resolved', 'bot');
        const b = await conv('chatwoot', 'open', 'human');
        const c = await conv('api', 'open', 'bot');
        await msg(a, 'user', null, 0, 0, null);
        await msg(a, 'assistant', 'gpt-4o-mini', 100, 0.002, 800);
        await msg(b, 'user', null, 0, 0, null);
        await msg(b, 'assistant', 'gpt-4o-mini', 50, 0.001, 1200);
        await msg(c, 'assistant', 'claude', 10, 0.01, 400);
      });
      const r = await atrium.http.get('/v1/admin/usage').set(bearer(key));
      expect(r.status).toBe(200);
      const chatwoot = r.body.rows.find((row: { channel: string }) => row.channel === 'chatwoot');
      expect(chatwoot).toMatchObject({
        day: new Date().toISOString().slice(0, 10),
        model: 'gpt-4o-mini',
        conversations: 2,
        messages: 4,
        prompt_tokens: 150,
        cost_usd: 0.003,
        handoff_rate: 0.5,
        resolution_rate: 0.5,
        avg_latency_ms: 1000,
      });
      expect(r.body.totals).toMatchObject({ conversations: 3, messages: 5, completion_tokens: 160, cost_usd: 0.013 });
      expect((await atrium.http.get('/v1/admin/usage').query({ channel: 'api' }).set(bearer(key))).body.totals.conversations).toBe(1);
      expect((await atrium.http.get('/v1/admin/usage').query({ from: '2030-01-01T00:00:00Z', to: '2029-01-01T00:00:00Z' }).set(bearer(key))).status).toBe(400);
    });
  });

  describe('GET /v1/admin/compliance/report', () => {
    it('summarises retention, encryption, chain status, DSAR history, the safety policy in force and the latest red-team and eval evidence', async () => {
      expect((await atrium.http.get('/v1/admin/compliance/report').set(bearer(viewer))).body.assurance).toEqual({ red_team: null, evals: [] });
      await atrium.services.db.withTenant(tenant.id, async (tx) => {
        const suite = await tx.query<{ id: string }>(
          `INSERT INTO eval_suites (tenant_id, name, cases, created_by) VALUES ($1, 'support basics', '[]', 'test') RETURNING id`,
          [tenant.id],
        );
        const run = (kind: string, finished: string, version: number, passed: number, total: number, score: number, summary: object) =>
          tx.query(
            `INSERT INTO eval_runs (tenant_id, kind, suite_id, status, config_version, total, done, passed, score, summary, created_by, finished_at)
             VALUES ($1, $2, $3, 'completed', $4, $5, $5, $6, $7, $8, 'test', now() - $9::interval)`,
            [tenant.id, kind, kind === 'eval' ? suite.rows[0]!.id : null, version, total, passed, score, JSON.stringify(summary), finished],
          );
        await run('redteam', '2 days', 1, 29, 29, 1, { sets: null });
        await run('redteam', '1 hour', 1, 27, 29, 27 / 29, { sets: ['prompt_injection', 'jailbreak'] });
        await run('eval', '3 days', 1, 1, 3, 0.5, {});
        await run('eval', '2 hours', 1, 2, 3, 0.75, {});
      });
      const r = await atrium.http.get('/v1/admin/compliance/report').set(bearer(viewer));
      expect(r.body.assurance.red_team).toMatchObject({
        verdict: 'fail',
        passed: 27,
        total: 29,
        config_version: 1,
        covers_config_in_force: true,
        sets: ['prompt_injection', 'jailbreak'],
      });
      expect(r.body.assurance.evals).toMatchObject([{ suite: 'support basics', score: 0.75, config_version: 1, covers_config_in_force: true }]);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        retention: { data_retention_days: 365, audit_log_retention_days: 2555 },
        encryption: { algorithm: 'AES-256-GCM', key_configured: true, secrets_on_old_key: 0 },
        audit_chain: { ok: true },
        dsar: { total: 0 },
        safety: { injection_action: 'block', redact_pii_in_output: true },
      });
      expect((await atrium.http.get('/v1/admin/compliance/report')).status).toBe(401);
    });
  });
});
