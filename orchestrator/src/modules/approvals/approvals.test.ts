import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import type { TenantRef } from '../../platform/http/context';
import { verifyAuditChain } from '../audit';
import { assertTransition, expireApprovals, onApprovalOutcome, TRANSITIONS, type ApprovalOutcomeEvent } from '.';

describe('approvals', () => {
  let atrium: TestAtrium;
  let tenant: TenantRef;
  let agent: string;
  let approver: string;
  let secondApprover: string;
  let viewer: string;
  let agentSubject: string;
  const outcomes: ApprovalOutcomeEvent[] = [];

  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
    tenant = await buildTenant(atrium.services);
    const a = await buildApiKey(atrium.services, tenant, { scopes: ['agent'] });
    agent = a.key;
    agentSubject = `key:${a.id}`;
    approver = (await buildApiKey(atrium.services, tenant, { scopes: ['approver'] })).key;
    secondApprover = (await buildApiKey(atrium.services, tenant, { scopes: ['approver'] })).key;
    viewer = (await buildApiKey(atrium.services, tenant, { scopes: ['viewer'] })).key;
    onApprovalOutcome(atrium.services, (e) => void outcomes.push(e));
  });
  afterAll(async () => atrium.close());

  const create = (key: string, body: Record<string, unknown> = {}) =>
    atrium.http
      .post('/v1/approvals')
      .set(bearer(key))
      .send({ type: 'refund_exception', title: 'Refund outside the 30-day window', details: 'Order A1001, customer is a regular', ...body });

  it('an agent asks for a decision: 201 submitted, audited, announced live and to hooks', async () => {
    const r = await create(agent);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      type: 'refund_exception',
      status: 'submitted',
      requested_by: { type: 'api_key', ref: agentSubject },
      abilities: ['cancel'],
    });
    expect(new Date(r.body.expires_at).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const audit = await atrium.database.asSuperuser(`SELECT action, resource_id FROM audit_log WHERE tenant_id = $1 AND action = 'approval.requested'`, [
      tenant.id,
    ]);
    expect(audit.rows.map((row) => row.resource_id)).toContain(r.body.id);
    await expect.poll(() => outcomes.find((o) => o.approval.id === r.body.id)?.outcome).toBe('submitted');
  });

  it('GET shows an approver Approve/Reject, the requester only Cancel, a viewer nothing', async () => {
    const { body } = await create(agent);
    const asApprover = await atrium.http.get(`/v1/approvals/${body.id}`).set(bearer(approver));
    expect(asApprover.status).toBe(200);
    expect(asApprover.body.abilities).toEqual(['approve', 'reject']);
    expect((await atrium.http.get(`/v1/approvals/${body.id}`).set(bearer(agent))).body.abilities).toEqual(['cancel']);
    expect((await atrium.http.get(`/v1/approvals/${body.id}`).set(bearer(viewer))).body.abilities).toEqual([]);
  });

  it('an approver approves with a reason; deciding again is 409 APPROVAL_ALREADY_DECIDED', async () => {
    const { body } = await create(agent);
    const ok = await atrium.http.post(`/v1/approvals/${body.id}/approve`).set(bearer(approver)).send({ reason: 'long-standing customer' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', decision_reason: 'long-standing customer', abilities: [] });
    expect(ok.body.decided_at).toBeTruthy();
    for (const [key, verb] of [
      [approver, 'approve'],
      [secondApprover, 'reject'],
    ] as const) {
      const again = await atrium.http.post(`/v1/approvals/${body.id}/${verb}`).set(bearer(key)).send({});
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('APPROVAL_ALREADY_DECIDED');
    }
    const audit = await atrium.database.asSuperuser(`SELECT action FROM audit_log WHERE tenant_id = $1 AND resource_id = $2 ORDER BY seq`, [
      tenant.id,
      body.id,
    ]);
    expect(audit.rows.map((row) => row.action)).toEqual(['approval.requested', 'approval.approved']);
  });

  it('two approvers deciding at the same moment: exactly one wins, the other gets 409', async () => {
    const { body } = await create(agent);
    const [a, b] = await Promise.all([
      atrium.http.post(`/v1/approvals/${body.id}/approve`).set(bearer(approver)).send({}),
      atrium.http.post(`/v1/approvals/${body.id}/reject`).set(bearer(secondApprover)).send({}),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.error.code).toBe('APPROVAL_ALREADY_DECIDED');
  });

  it('a requester cannot approve their own request, even holding the approver role', async () => {
    const self = await buildApiKey(atrium.services, tenant, { scopes: ['approver'] });
    const { body } = await create(self.key);
    expect(body.abilities).toEqual(['cancel']);
    const r = await atrium.http.post(`/v1/approvals/${body.id}/approve`).set(bearer(self.key)).send({});
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/own request/);
    expect((await atrium.http.get(`/v1/approvals/${body.id}`).set(bearer(approver))).body.status).toBe('submitted');
  });

  it('only approvers decide: an agent or viewer gets 403', async () => {
    const { body } = await create(approver);
    for (const key of [agent, viewer]) expect((await atrium.http.post(`/v1/approvals/${body.id}/approve`).set(bearer(key)).send({})).status).toBe(403);
  });

  it('deciding an expired request is 409 APPROVAL_EXPIRED and the request is marked expired', async () => {
    const { body } = await create(agent, { expires_in_minutes: 1 });
    await atrium.database.asSuperuser(`UPDATE approvals SET expires_at = now() - interval '1 second' WHERE id = $1`, [body.id]);
    const r = await atrium.http.post(`/v1/approvals/${body.id}/approve`).set(bearer(approver)).send({});
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('APPROVAL_EXPIRED');
    const row = await atrium.database.asSuperuser('SELECT status FROM approvals WHERE id = $1', [body.id]);
    expect(row.rows[0]!.status).toBe('expired');
    expect((await atrium.http.post(`/v1/approvals/${body.id}/reject`).set(bearer(approver)).send({})).body.error.code).toBe('APPROVAL_EXPIRED');
  });

  it('the expiry job expires overdue requests with an audit row, and leaves live ones alone', async () => {
    const overdue = (await create(agent)).body;
    const live = (await create(agent)).body;
    await atrium.database.asSuperuser(`UPDATE approvals SET expires_at = now() - interval '1 minute' WHERE id = $1`, [overdue.id]);
    expect((await atrium.http.get(`/v1/approvals/${overdue.id}`).set(bearer(approver))).body).toMatchObject({ status: 'expired', abilities: [] });
    expect(await expireApprovals(atrium.services)).toBeGreaterThanOrEqual(1);
    const rows = await atrium.database.asSuperuser('SELECT id, status FROM approvals WHERE id = ANY($1)', [[overdue.id, live.id]]);
    expect(Object.fromEntries(rows.rows.map((r) => [r.id, r.status]))).toEqual({ [overdue.id]: 'expired', [live.id]: 'submitted' });
    const audit = await atrium.database.asSuperuser(
      `SELECT actor_ref FROM audit_log WHERE tenant_id = $1 AND action = 'approval.expired' AND resource_id = $2`,
      [tenant.id, overdue.id],
    );
    expect(audit.rows[0]!.actor_ref).toBe('system:approvals.expire');
    await expect.poll(() => outcomes.find((o) => o.approval.id === overdue.id && o.outcome === 'expired')).toBeTruthy();
    expect(await verifyAuditChain(atrium.services.db, tenant.id)).toMatchObject({ ok: true });
  });

  it('drafts are submitted later; the requester can cancel; a cancelled request cannot be approved', async () => {
    const draft = (await create(agent, { draft: true })).body;
    expect(draft).toMatchObject({ status: 'draft', abilities: ['cancel', 'submit'] });
    expect((await atrium.http.post(`/v1/approvals/${draft.id}/approve`).set(bearer(approver)).send({})).body.error.code).toBe('INVALID_TRANSITION');
    const submitted = await atrium.http.post(`/v1/approvals/${draft.id}/submit`).set(bearer(agent)).send();
    expect(submitted.body.status).toBe('submitted');
    expect((await atrium.http.post(`/v1/approvals/${draft.id}/cancel`).set(bearer(secondApprover)).send()).status).toBe(403);
    expect((await atrium.http.post(`/v1/approvals/${draft.id}/cancel`).set(bearer(agent)).send()).body.status).toBe('cancelled');
    const late = await atrium.http.post(`/v1/approvals/${draft.id}/approve`).set(bearer(approver)).send({});
    expect(late.status).toBe(409);
  });

  it('lists newest first with filters and stable cursor pagination', async () => {
    const t = await buildTenant(atrium.services);
    const key = (await buildApiKey(atrium.services, t, { scopes: ['agent'] })).key;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create(key, { title: `case ${i}`, type: i % 2 ? 'odd_case' : 'even_case' })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; next_cursor: string | null } } = await atrium.http
        .get('/v1/approvals')
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(key));
      seen.push(...page.body.items.map((a) => a.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const odd = await atrium.http.get('/v1/approvals').query({ type: 'odd_case', status: 'submitted' }).set(bearer(key));
    expect(odd.body.items.map((a: { id: string }) => a.id)).toEqual([ids[3], ids[1]]);
    expect((await atrium.http.get('/v1/approvals').query({ cursor: 'garbage' }).set(bearer(key))).status).toBe(400);
  });

  it("refuses bad input with 400, no credential with 401, and another tenant's request with 404", async () => {
    expect((await atrium.http.post('/v1/approvals').set(bearer(agent)).send({ type: 'Bad Type', title: '' })).status).toBe(400);
    expect((await atrium.http.post('/v1/approvals').set(bearer(agent)).send({ type: 'tool_call', title: 'x' })).status).toBe(400);
    expect((await create(agent, { conversation_id: '00000000-0000-4000-8000-000000000000' })).status).toBe(400);
    expect((await atrium.http.get('/v1/approvals')).status).toBe(401);
    const mine = (await create(agent)).body;
    const other = await buildTenant(atrium.services);
    const otherApprover = (await buildApiKey(atrium.services, other, { scopes: ['approver'] })).key;
    expect((await atrium.http.get(`/v1/approvals/${mine.id}`).set(bearer(otherApprover))).status).toBe(404);
    expect((await atrium.http.post(`/v1/approvals/${mine.id}/approve`).set(bearer(otherApprover)).send({})).status).toBe(404);
    expect((await atrium.http.get('/v1/approvals').set(bearer(otherApprover))).body.items).toEqual([]);
  });

  it('the transitions table allows exactly the documented moves', () => {
    expect(TRANSITIONS).toEqual({
      draft: ['submitted', 'cancelled'],
      submitted: ['approved', 'rejected', 'expired', 'cancelled'],
      approved: ['executed', 'failed'],
      rejected: [],
      expired: [],
      cancelled: [],
      executed: [],
      failed: [],
    });
    const future = new Date(Date.now() + 60_000);
    expect(() => assertTransition({ status: 'executed', expires_at: future }, 'approved')).toThrow(
      expect.objectContaining({ code: 'APPROVAL_ALREADY_DECIDED' }),
    );
    expect(() => assertTransition({ status: 'submitted', expires_at: future }, 'executed')).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    expect(() => assertTransition({ status: 'submitted', expires_at: new Date(0) }, 'approved')).toThrow(expect.objectContaining({ code: 'APPROVAL_EXPIRED' }));
    expect(() => assertTransition({ status: 'approved', expires_at: new Date(0) }, 'executed')).not.toThrow();
  });
});

describe('approval expiry as a scheduled job', () => {
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ env: { APPROVAL_EXPIRY_SWEEP_MS: '200' } });
  });
  afterAll(async () => atrium.close());

  it("the worker's schedule marks an overdue request expired on its own, audited as the system", async () => {
    const tenant = await buildTenant(atrium.services);
    const agent = (await buildApiKey(atrium.services, tenant, { scopes: ['agent'] })).key;
    const { body } = await atrium.http.post('/v1/approvals').set(bearer(agent)).send({ type: 'manager_review', title: 'Overdue by now' });
    await atrium.database.asSuperuser(`UPDATE approvals SET expires_at = now() - interval '1 second' WHERE id = $1`, [body.id]);
    const stored = async () => (await atrium.database.asSuperuser('SELECT status FROM approvals WHERE id = $1', [body.id])).rows[0]!.status;
    await expect.poll(stored, { timeout: 10_000 }).toBe('expired');
    const audit = await atrium.database.asSuperuser(
      `SELECT actor_ref FROM audit_log WHERE tenant_id = $1 AND action = 'approval.expired' AND resource_id = $2`,
      [tenant.id, body.id],
    );
    expect(audit.rows).toEqual([{ actor_ref: 'system:approvals.expire' }]);
  });
});
