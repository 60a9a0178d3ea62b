import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import type { TenantRef } from '../../platform/http/context';
import { recordAudit, verifyAuditChain } from '../audit';
import { recordActivity } from '../activity';

const ALICE = { subject: 'kc-7f3e-alice', email: 'alice.doe@example.com', name: 'Alice Doe', secret: 'my card ends 4242 and I live at 12 Rue Alpha' };
const BOB = { subject: 'kc-91aa-bob', email: 'bob@example.com', name: 'Bob Roe', secret: 'bob asks about invoices' };

describe('data-subject requests', () => {
  let atrium: TestAtrium;
  let tenant: TenantRef;
  let key: string;

  async function seedPerson(p: typeof ALICE) {
    const { db, bus } = atrium.services;
    const user = await db.query<{ id: string }>(`INSERT INTO users (subject, email, name) VALUES ($1, $2, $3) RETURNING id`, [p.subject, p.email, p.name]);
    await db.withTenant(tenant.id, async (tx) => {
      await tx.query(`INSERT INTO memberships (tenant_id, user_id, roles) VALUES ($1, $2, '{viewer}')`, [tenant.id, user.rows[0]!.id]);
      const c = await tx.query<{ id: string }>(`INSERT INTO conversations (tenant_id, user_subject, title, metadata) VALUES ($1, $2, $3, $4) RETURNING id`, [
        tenant.id,
        p.subject,
        `Chat with ${p.name}`,
        JSON.stringify({ email: p.email }),
      ]);
      const conversationId = c.rows[0]!.id;
      await tx.query(`INSERT INTO messages (tenant_id, conversation_id, role, content) VALUES ($1, $2, 'user', $3)`, [tenant.id, conversationId, p.secret]);
      await tx.query(
        `INSERT INTO messages (tenant_id, conversation_id, role, content, model, prompt_tokens, cost_usd) VALUES ($1, $2, 'assistant', $3, 'gpt-x', 40, 0.01)`,
        [tenant.id, conversationId, `Hello ${p.name}`],
      );
      await tx.query(
        `INSERT INTO memories (tenant_id, owner_ref, content, source, conversation_id, expires_at) VALUES ($1, $2, $3, 'explicit', $4, now() + interval '30 days')`,
        [tenant.id, p.subject, `${p.name} wants answers by email`, conversationId],
      );
      await tx.query(`INSERT INTO memory_consents (tenant_id, owner_ref, granted) VALUES ($1, $2, true)`, [tenant.id, p.subject]);
      await tx.query(
        `INSERT INTO tool_executions (tenant_id, tool_name, source, conversation_id, input, output, status, actor_type, actor_ref)
         VALUES ($1, 'lookup_order', 'chat', $2, $3, $4, 'succeeded', 'user', $5)`,
        [tenant.id, conversationId, JSON.stringify({ email: p.email }), JSON.stringify({ note: p.secret }), p.subject],
      );
      const endpoint = await tx.query<{ id: string }>(
        `INSERT INTO webhook_endpoints (tenant_id, url, events, secret_sealed, created_by) VALUES ($1, 'https://hooks.example.com/a', '{*}', 'sealed', 'test') RETURNING id`,
        [tenant.id],
      );
      await tx.query(
        `INSERT INTO outbound_webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload, status) VALUES ($1, $2, $3, 'approval.requested', $4, 'delivered')`,
        [
          tenant.id,
          endpoint.rows[0]!.id,
          `msg-${p.subject}`,
          JSON.stringify({ type: 'approval.requested', timestamp: '2026-01-01T00:00:00Z', data: { conversation_id: conversationId, details: p.secret } }),
        ],
      );
      await tx.query(`INSERT INTO webhook_deliveries (tenant_id, source, delivery_id, payload) VALUES ($1, 'chatwoot', $2, $3)`, [
        tenant.id,
        `d-${p.subject}`,
        JSON.stringify({ sender: { email: p.email, name: p.name }, content: p.secret }),
      ]);
      await recordAudit(tx, tenant.id, {
        action: 'chat.turn',
        actor: { type: 'user', ref: p.subject },
        resource: { type: 'conversation', id: conversationId },
      });
      await recordActivity(tx, bus, tenant.id, {
        type: 'chat.turn',
        actor: p.subject,
        resourceType: 'conversation',
        resourceId: conversationId,
        summary: `${p.name} asked a question`,
      });
    });
  }

  async function runToCompletion(body: Record<string, unknown>) {
    const created = await atrium.http.post('/v1/admin/dsar').set(bearer(key)).send(body);
    expect(created.status).toBe(202);
    for (let i = 0; i < 100; i++) {
      const r = await atrium.http.get(`/v1/admin/dsar/${created.body.id}`).set(bearer(key));
      if (r.body.status === 'completed' || r.body.status === 'failed') return r.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('DSAR did not finish within 5 s');
  }

  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: true });
    tenant = await buildTenant(atrium.services);
    key = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    await seedPerson(ALICE);
    await seedPerson(BOB);
  });
  afterAll(async () => atrium.close());

  it('refuses a request that names nobody, and callers without dsar:manage', async () => {
    const bad = await atrium.http.post('/v1/admin/dsar').set(bearer(key)).send({ type: 'export' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION');
    const viewer = (await buildApiKey(atrium.services, tenant, { scopes: ['viewer'] })).key;
    expect((await atrium.http.post('/v1/admin/dsar').set(bearer(viewer)).send({ type: 'export', email: ALICE.email })).status).toBe(403);
    expect((await atrium.http.post('/v1/admin/dsar').send({ type: 'export', email: ALICE.email })).status).toBe(401);
  });

  it('exports then erases a person: nothing of them stays readable and the audit chain still verifies', async () => {
    // a queue keeps finished and dead-lettered jobs: their payloads must not name the person
    const queue = atrium.services.queue;
    const enqueue = queue.enqueue.bind(queue);
    const payloads: unknown[] = [];
    queue.enqueue = (job, payload, options) => (payloads.push(payload), enqueue(job, payload, options));
    const exported = await runToCompletion({ type: 'export', user: ALICE.subject });
    expect(exported.error).toBeNull();
    expect(exported).toMatchObject({ status: 'completed', archive_available: true });
    const archive = await atrium.http.get(`/v1/admin/dsar/${exported.id}/archive`).set(bearer(key));
    expect(archive.status).toBe(200);
    expect(archive.headers['content-disposition']).toMatch(/attachment/);
    expect(archive.body.person[0]).toMatchObject({ subject: ALICE.subject, email: ALICE.email });
    expect(archive.body.messages.map((m: { content: string }) => m.content)).toContain(ALICE.secret);
    expect(archive.body.audit_events.some((a: { actor_ref: string }) => a.actor_ref === ALICE.subject)).toBe(true);
    expect(JSON.stringify(archive.body)).not.toContain(BOB.secret);
    const downloads = await atrium.http.get('/v1/admin/audit-logs').query({ action: 'dsar.archive_downloaded' }).set(bearer(key));
    expect(downloads.body.items).toMatchObject([{ resource: { type: 'dsar', id: exported.id }, actor: { type: 'api_key' } }]);

    const erased = await runToCompletion({ type: 'delete', email: ALICE.email });
    expect(erased.error).toBeNull();
    expect(erased.status).toBe('completed');
    queue.enqueue = enqueue;
    expect(payloads.length).toBeGreaterThanOrEqual(2);
    for (const trace of [ALICE.email, ALICE.subject]) expect(JSON.stringify(payloads)).not.toContain(trace);
    const stillSealed = await atrium.database.asSuperuser(`SELECT id FROM dsar_requests WHERE subject_sealed IS NOT NULL`);
    expect(stillSealed.rows).toEqual([]); // the request's own copy of the identifiers goes once it has run
    expect(erased.summary.counts).toMatchObject({
      messages: 2,
      conversations: 1,
      memberships: 1,
      export_archives: 1,
      memories: 1,
      memory_consents: 1,
      tool_executions: 1,
      outbound_webhooks: 1,
    });

    // Every table, read as the superuser: no trace of Alice's email, name or words (Bob untouched).
    const everything = JSON.stringify(
      await Promise.all(
        [
          'users',
          'memberships',
          'conversations',
          'messages',
          'memories',
          'memory_consents',
          'tool_executions',
          'outbound_webhook_deliveries',
          'activity',
          'webhook_deliveries',
          'dsar_requests',
          'audit_log',
        ].map(async (t) => (await atrium.database.asSuperuser(`SELECT * FROM ${t}`)).rows),
      ),
    );
    for (const trace of [ALICE.email, ALICE.name, ALICE.secret]) expect(everything).not.toContain(trace);
    expect(everything).toContain(BOB.secret);
    // The tool execution stays as evidence that it ran, under the pseudonym and without its content.
    const runs = await atrium.database.asSuperuser<{ actor_ref: string; input: unknown; output: unknown }>(
      `SELECT actor_ref, input, output FROM tool_executions WHERE tenant_id = $1 AND actor_ref <> $2`,
      [tenant.id, BOB.subject],
    );
    expect(runs.rows).toEqual([{ actor_ref: erased.summary.pseudonym, input: {}, output: null }]);
    expect((await atrium.http.get(`/v1/admin/dsar/${exported.id}/archive`).set(bearer(key))).status).toBe(404);

    // The audit API shows a pseudonym, cannot be searched by the old subject, and the chain holds.
    const bySubject = await atrium.http.get('/v1/admin/audit-logs').query({ actor: ALICE.subject }).set(bearer(key));
    expect(bySubject.body.items).toEqual([]);
    const turns = await atrium.http.get('/v1/admin/audit-logs').query({ action: 'chat.turn' }).set(bearer(key));
    const aliceRow = turns.body.items.find((i: { actor: { erased: boolean } }) => i.actor.erased);
    expect(aliceRow.actor.ref).toBe(erased.summary.pseudonym);
    expect(JSON.stringify(turns.body)).not.toContain(ALICE.subject);
    expect(turns.body.items.some((i: { actor: { ref: string; label: string } }) => i.actor.ref === BOB.subject && i.actor.label === BOB.email)).toBe(true);
    const byPseudonym = await atrium.http.get('/v1/admin/audit-logs').query({ actor: erased.summary.pseudonym }).set(bearer(key));
    expect(byPseudonym.body.items).toHaveLength(1);
    expect((await verifyAuditChain(atrium.services.db, tenant.id)).ok).toBe(true);
    // the evidence a compliance officer exports shows the pseudonym too, and still verifies
    const exportedLog = await atrium.http.post('/v1/admin/audit-logs/export').send({ format: 'csv' }).set(bearer(key));
    expect(exportedLog.text).toMatch(/^# chain_verification ok=true/);
    expect(exportedLog.text).toContain(erased.summary.pseudonym);
    expect(exportedLog.text).not.toContain(ALICE.subject);
    const erasure = await atrium.http.get('/v1/admin/audit-logs').query({ action: 'dsar.erased' }).set(bearer(key));
    expect(erasure.body.items[0]).toMatchObject({ resource: { type: 'dsar', id: erased.id } });

    // the compliance report files both requests in its DSAR history
    const report = (await atrium.http.get('/v1/admin/compliance/report').set(bearer(key))).body;
    expect(report.dsar).toMatchObject({ total: 2, erased_subjects: 1 }); // one person, however many references she had
    expect(report.dsar.recent.map((d: { id: string; type: string; status: string }) => [d.id, d.type, d.status])).toEqual([
      [erased.id, 'delete', 'completed'],
      [exported.id, 'export', 'completed'],
    ]);
  });

  it("cannot reach another tenant's data-subject requests", async () => {
    const other = await buildTenant(atrium.services);
    const otherKey = (await buildApiKey(atrium.services, other, { scopes: ['tenant_admin'] })).key;
    const mine = await atrium.http.get('/v1/admin/dsar').set(bearer(key));
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect((await atrium.http.get(`/v1/admin/dsar/${mine.body.items[0].id}`).set(bearer(otherKey))).status).toBe(404);
  });
});
