import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToolCall } from '@atrium/connectors/n8n';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import type { Principal, TenantContext, TenantRef } from '../../platform/http/context';
import { verifyAuditChain } from '../audit';
import { createToolProvider, type ToolTurnContext } from '.';

/** A loopback tool endpoint: checks Atrium's signature, then answers by path. */
async function startToolServer() {
  const secrets = new Map<string, string>();
  const calls: { path: string; body: any; signature: string | null }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const secret = secrets.get(path);
      const signature = secret ? verifyToolCall(secret, raw, req.headers) : 'missing';
      calls.push({ path, body: JSON.parse(raw || '{}'), signature });
      res.setHeader('content-type', 'application/json');
      if (signature) return void res.writeHead(401).end(JSON.stringify({ error: `signature ${signature}` }));
      if (path === '/slow') return void setTimeout(() => res.end('{}'), 1500);
      if (path === '/fail') return void res.writeHead(500).end(JSON.stringify({ message: 'boom' }));
      const body = JSON.parse(raw);
      res.end(JSON.stringify({ ok: true, received: body.input, message: `Done for ${body.input.order_id ?? 'you'}.` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, secrets, calls, close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

const orderSchema = {
  type: 'object',
  properties: { order_id: { type: 'string', pattern: '^A[0-9]{4}$' } },
  required: ['order_id'],
  additionalProperties: false,
};

describe('tools', () => {
  let atrium: TestAtrium;
  let tenant: TenantRef;
  let admin: string;
  let approver: string;
  let server: Awaited<ReturnType<typeof startToolServer>>;
  const provider = createToolProvider();
  const customer: Principal = { kind: 'api_key', subject: 'key:widget', tenants: [], roles: [], groups: [], scopes: ['agent'] };

  beforeAll(async () => {
    atrium = await createTestAtrium();
    tenant = await buildTenant(atrium.services);
    customer.tenants = [tenant.slug];
    admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    approver = (await buildApiKey(atrium.services, tenant, { scopes: ['approver'] })).key;
    server = await startToolServer();
  });
  afterAll(async () => {
    await server.close();
    await atrium.close();
  });

  async function registerTool(name: string, path: string, extra: Record<string, unknown> = {}) {
    const r = await atrium.http
      .post('/v1/tools')
      .set(bearer(admin))
      .send({
        name,
        description: `Sample tool ${name}`,
        input_schema: orderSchema,
        risk: 'low',
        binding: { kind: 'http', url: `${server.base}${path}`, timeout_ms: 500 },
        ...extra,
      });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    server.secrets.set(path, r.body.signing_secret);
    return r.body as { id: string; name: string; needs_approval: boolean; signing_secret: string };
  }

  async function openConversation(): Promise<string> {
    const r = await atrium.database.asSuperuser(`INSERT INTO conversations (tenant_id, channel, title) VALUES ($1, 'api', 'order question') RETURNING id`, [
      tenant.id,
    ]);
    return r.rows[0]!.id as string;
  }

  const turnFor = (principal: Principal, conversationId: string): ToolTurnContext => ({
    ctx: { services: atrium.services, requestId: 'req-test', log: atrium.services.log, principal, tenant } as TenantContext,
    conversationId,
  });

  const executions = async (toolName: string) =>
    (await atrium.database.asSuperuser('SELECT * FROM tool_executions WHERE tenant_id = $1 AND tool_name = $2 ORDER BY created_at', [tenant.id, toolName]))
      .rows as any[];
  const auditOf = async (executionId: string) =>
    (await atrium.database.asSuperuser(`SELECT action, data FROM audit_log WHERE tenant_id = $1 AND data->>'execution_id' = $2`, [tenant.id, executionId]))
      .rows as any[];

  it('registers, lists, updates and deletes a tool; the HTTP signing secret is shown only once', async () => {
    const tool = await registerTool('lookup_order', '/ok');
    expect(tool.signing_secret).toMatch(/^whsec_/);
    expect(tool.needs_approval).toBe(false);
    const list = await atrium.http.get('/v1/tools').set(bearer(admin));
    expect(list.body.items.map((t: { name: string }) => t.name)).toContain('lookup_order');
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const updated = await atrium.http.put(`/v1/tools/${tool.id}`).set(bearer(admin)).send({ risk: 'high' });
    expect(updated.body).toMatchObject({ risk: 'high', needs_approval: true });
    expect((await atrium.http.put(`/v1/tools/${tool.id}`).set(bearer(admin)).send({ risk: 'read', needs_approval: false })).body).toMatchObject({
      risk: 'read',
      needs_approval: false,
    });
    const temp = await registerTool('temporary_tool', '/ok');
    expect((await atrium.http.delete(`/v1/tools/${temp.id}`).set(bearer(admin))).status).toBe(204);
    expect((await atrium.http.get(`/v1/tools/${temp.id}`).set(bearer(admin))).status).toBe(404);
  });

  it('refuses bad definitions with a clear 400, duplicates with 409, viewers with 403, anonymous with 401', async () => {
    const base = { name: 'x_tool', description: 'd', input_schema: orderSchema, risk: 'low', binding: { kind: 'http', url: `${server.base}/ok` } };
    const post = (body: object, key = admin) => atrium.http.post('/v1/tools').set(bearer(key)).send(body);
    expect((await post({ ...base, input_schema: { type: 'string' } })).body.error.message).toMatch(/input_schema: must be a JSON Schema with "type": "object"/);
    expect((await post({ ...base, input_schema: { type: 'object', properties: { a: { type: 'nonsense' } } } })).body.error.message).toMatch(
      /input_schema: not a valid JSON Schema/,
    );
    expect((await post({ ...base, risk: 'critical', needs_approval: false })).body.error.message).toMatch(/critical tools always need approval/);
    expect((await post({ ...base, name: '9 bad name' })).status).toBe(400);
    expect((await post({ ...base, binding: { kind: 'n8n', path: '../etc' } })).status).toBe(400);
    await registerTool('dupe_tool', '/ok');
    expect((await post({ ...base, name: 'DUPE_TOOL' })).status).toBe(409);
    const viewer = (await buildApiKey(atrium.services, tenant, { scopes: ['viewer'] })).key;
    expect((await atrium.http.get('/v1/tools').set(bearer(viewer))).status).toBe(200);
    expect((await post(base, viewer)).status).toBe(403);
    expect((await atrium.http.get('/v1/tools')).status).toBe(401);
  });

  it('runs a low-risk tool for the model: signed call, stored execution (input, output, latency, who), audit row', async () => {
    await registerTool('order_status', '/ok');
    const conversationId = await openConversation();
    const outcome = await provider.execute(turnFor(customer, conversationId), { id: 'call_1', name: 'order_status', arguments: '{"order_id":"A1001"}' });
    expect(outcome.status).toBe('ok');
    expect(JSON.parse(outcome.content)).toMatchObject({ ok: true, received: { order_id: 'A1001' } });
    const call = server.calls.at(-1)!;
    expect(call.signature).toBeNull();
    expect(call.body.context).toMatchObject({ tenant: tenant.slug, tool: 'order_status', conversation_id: conversationId, requested_by: 'key:widget' });
    const [row] = await executions('order_status');
    expect(row).toMatchObject({
      status: 'succeeded',
      source: 'chat',
      call_id: 'call_1',
      conversation_id: conversationId,
      input: { order_id: 'A1001' },
      actor_type: 'api_key',
      actor_ref: 'key:widget',
    });
    expect(row.output).toMatchObject({ ok: true });
    expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    expect((await auditOf(row.id)).map((a) => a.action)).toEqual(['tool.executed']);
  });

  it('tells the model exactly what is wrong with invalid input, without calling the tool', async () => {
    await registerTool('strict_tool', '/ok');
    const before = server.calls.length;
    const turn = turnFor(customer, await openConversation());
    const missing = await provider.execute(turn, { id: 'c1', name: 'strict_tool', arguments: '{"extra":1}' });
    expect(missing.status).toBe('error');
    expect(missing.content).toMatch(/^The arguments for "strict_tool" are invalid: .*order_id: is required/);
    expect(missing.content).toContain('input: unknown property "extra"');
    const notJson = await provider.execute(turn, { id: 'c2', name: 'strict_tool', arguments: '{order_id:' });
    expect(notJson.content).toMatch(/not valid JSON/);
    const unknown = await provider.execute(turn, { id: 'c3', name: 'no_such_tool', arguments: '{}' });
    expect(unknown.content).toMatch(/no tool named "no_such_tool"/);
    expect(server.calls.length).toBe(before);
    const [row] = await executions('strict_tool');
    expect(row).toMatchObject({ status: 'invalid_input', error_code: 'VALIDATION' });
    expect((await auditOf(row.id)).map((a) => a.action)).toEqual(['tool.failed']);
  });

  it('a timeout or an unreachable endpoint ends with an honest message and an audit row', async () => {
    await registerTool('slow_tool', '/slow');
    const timedOut = await provider.execute(turnFor(customer, await openConversation()), { id: 't1', name: 'slow_tool', arguments: '{"order_id":"A1002"}' });
    expect(timedOut).toEqual({ status: 'error', content: expect.stringMatching(/did not answer in time.*do not retry/) });
    const [slow] = await executions('slow_tool');
    expect(slow).toMatchObject({ status: 'timeout', error_code: 'TOOL_TIMEOUT' });
    expect((await auditOf(slow.id))[0]).toMatchObject({ action: 'tool.failed', data: { error_code: 'TOOL_TIMEOUT' } });

    const down = await registerTool('down_tool', '/ok');
    await atrium.http
      .put(`/v1/tools/${down.id}`)
      .set(bearer(admin))
      .send({ binding: { kind: 'http', url: 'http://127.0.0.1:9/closed', timeout_ms: 500 } });
    const failed = await provider.execute(turnFor(customer, await openConversation()), { id: 't2', name: 'down_tool', arguments: '{"order_id":"A1002"}' });
    expect(failed.content).toMatch(/failed \(127\.0\.0\.1:9 is unreachable \(ECONNREFUSED\)\).*offer to connect them with a person/);
    const [row] = await executions('down_tool');
    expect(row).toMatchObject({ status: 'failed', error_code: 'TOOL_UNAVAILABLE' });
    expect((await auditOf(row.id)).map((a) => a.action)).toEqual(['tool.failed']);
  });

  it('enforces the per-tool rate limit and the allowed roles/groups', async () => {
    await registerTool('limited_tool', '/ok', { rate_limit_per_minute: 2 });
    const turn = () => turnFor(customer, '00000000-0000-4000-8000-000000000001');
    for (const id of ['A1001', 'A1002'])
      expect((await provider.execute(turn(), { id, name: 'limited_tool', arguments: JSON.stringify({ order_id: id }) })).status).toBe('ok');
    const third = await provider.execute(turn(), { id: 'x', name: 'limited_tool', arguments: '{"order_id":"A1003"}' });
    expect(third.content).toMatch(/called too often/);
    expect((await executions('limited_tool')).map((e) => e.status)).toEqual(['succeeded', 'succeeded', 'rate_limited']);

    await registerTool('staff_tool', '/ok', { allowed_roles: ['tenant_admin'], allowed_groups: ['billing'] });
    const conv = await openConversation();
    expect((await provider.list(turnFor(customer, conv))).map((t) => t.name)).not.toContain('staff_tool');
    const denied = await provider.execute(turnFor(customer, conv), { id: 'd', name: 'staff_tool', arguments: '{"order_id":"A1001"}' });
    expect(denied.content).toMatch(/may not be used/);
    const billing: Principal = { ...customer, subject: 'user-billing', kind: 'user', scopes: [], groups: ['billing'] };
    expect((await provider.list(turnFor(billing, conv))).map((t) => t.name)).toContain('staff_tool');
    expect((await provider.execute(turnFor(billing, conv), { id: 'e', name: 'staff_tool', arguments: '{"order_id":"A1001"}' })).status).toBe('ok');
    const [deniedRow] = await executions('staff_tool');
    expect((await auditOf(deniedRow.id)).map((a) => a.action)).toEqual(['tool.denied']);
  });

  it('the run guard refuses an identical repeated call and calls past the per-turn budget', async () => {
    await registerTool('guarded_tool', '/ok');
    const turn = turnFor(customer, await openConversation());
    const call = { id: 'g', name: 'guarded_tool', arguments: '{"order_id":"A1001"}' };
    expect((await provider.execute(turn, call)).status).toBe('ok');
    expect((await provider.execute(turn, { ...call, arguments: '{ "order_id": "A1001" }' })).content).toMatch(/already called with exactly these arguments/);
    for (const id of ['A1002', 'A1003', 'A1004']) await provider.execute(turn, { ...call, arguments: JSON.stringify({ order_id: id }) });
    expect((await provider.execute(turn, { ...call, arguments: '{"order_id":"A1005"}' })).content).toMatch(/limit of 4 tool calls per turn/);
    expect((await executions('guarded_tool')).length).toBe(4);
  });

  it('a high-risk call waits for approval, then runs on one click and its result goes back into the conversation', async () => {
    await registerTool('refund_order', '/ok', { risk: 'high' });
    const conversationId = await openConversation();
    const before = server.calls.length;
    const pending = await provider.execute(turnFor(customer, conversationId), { id: 'r1', name: 'refund_order', arguments: '{"order_id":"A1001"}' });
    expect(pending.status).toBe('pending_approval');
    expect(server.calls.length).toBe(before);
    const approvalId = /Request ([0-9a-f-]{36})/.exec(pending.content)![1]!;
    const view = await atrium.http.get(`/v1/approvals/${approvalId}`).set(bearer(approver));
    expect(view.body).toMatchObject({
      type: 'tool_call',
      status: 'submitted',
      risk: 'high',
      tool: { name: 'refund_order', input: { order_id: 'A1001' } },
      abilities: ['approve', 'reject'],
    });
    expect((await atrium.http.post(`/v1/approvals/${approvalId}/approve`).set(bearer(approver)).send({ reason: 'ok' })).body.status).toBe('approved');
    await expect
      .poll(async () => (await atrium.http.get(`/v1/approvals/${approvalId}`).set(bearer(approver))).body.status, { timeout: 10_000 })
      .toBe('executed');
    const done = (await atrium.http.get(`/v1/approvals/${approvalId}`).set(bearer(approver))).body;
    expect(done.result).toMatchObject({ ok: true, received: { order_id: 'A1001' } });
    expect(server.calls.at(-1)!.body.context).toMatchObject({ approval_id: approvalId, requested_by: 'key:widget' });
    const messages = await atrium.database.asSuperuser(`SELECT role, content FROM messages WHERE conversation_id = $1`, [conversationId]);
    expect(messages.rows).toEqual([
      {
        role: 'assistant',
        content: expect.stringMatching(/^Good news — your request \(Refund order\) was approved and has been carried out\. Done for A1001\./),
      },
    ]);
    const rows = await executions('refund_order');
    expect(rows.map((e) => [e.status, e.source])).toEqual([
      ['pending_approval', 'chat'],
      ['succeeded', 'approval'],
    ]);
    const trail = await atrium.database.asSuperuser(
      `SELECT action FROM audit_log WHERE tenant_id = $1 AND (resource_id = $2 OR data->>'approval_id' = $2) ORDER BY seq`,
      [tenant.id, approvalId],
    );
    expect(trail.rows.map((r) => r.action)).toEqual(['approval.requested', 'approval.approved', 'tool.executed', 'approval.executed']);
    expect(await verifyAuditChain(atrium.services.db, tenant.id)).toMatchObject({ ok: true });
  });

  it('an approved call whose tool fails ends as failed, audited, and the customer hears that nothing was completed', async () => {
    await registerTool('charge_card', '/fail', { risk: 'high' });
    const conversationId = await openConversation();
    const pending = await provider.execute(turnFor(customer, conversationId), { id: 'r3', name: 'charge_card', arguments: '{"order_id":"A1003"}' });
    const approvalId = /Request ([0-9a-f-]{36})/.exec(pending.content)![1]!;
    expect((await atrium.http.post(`/v1/approvals/${approvalId}/approve`).set(bearer(approver)).send({})).status).toBe(200);
    const view = () => atrium.http.get(`/v1/approvals/${approvalId}`).set(bearer(approver));
    await expect.poll(async () => (await view()).body.status, { timeout: 10_000 }).toBe('failed');
    expect((await view()).body.error).toMatch(/^TOOL_FAILED: the endpoint answered HTTP 500/);
    const messages = await atrium.database.asSuperuser(`SELECT content FROM messages WHERE conversation_id = $1`, [conversationId]);
    expect(messages.rows.map((m) => m.content)).toEqual([expect.stringMatching(/^Your request \(Charge card\) was approved, but something went wrong/)]);
    const trail = await atrium.database.asSuperuser(
      `SELECT action FROM audit_log WHERE tenant_id = $1 AND (resource_id = $2 OR data->>'approval_id' = $2) ORDER BY seq`,
      [tenant.id, approvalId],
    );
    expect(trail.rows.map((r) => r.action)).toEqual(['approval.requested', 'approval.approved', 'tool.failed', 'approval.failed']);
  });

  it('a rejected call never runs and the customer is told politely', async () => {
    await registerTool('cancel_order', '/ok', { risk: 'critical' });
    const conversationId = await openConversation();
    const before = server.calls.length;
    const pending = await provider.execute(turnFor(customer, conversationId), { id: 'r2', name: 'cancel_order', arguments: '{"order_id":"A1002"}' });
    const approvalId = /Request ([0-9a-f-]{36})/.exec(pending.content)![1]!;
    const rejected = await atrium.http.post(`/v1/approvals/${approvalId}/reject`).set(bearer(approver)).send({ reason: 'fraud suspicion (internal)' });
    expect(rejected.body.status).toBe('rejected');
    await new Promise((r) => setTimeout(r, 300));
    expect(server.calls.length).toBe(before);
    const messages = await atrium.database.asSuperuser(`SELECT content FROM messages WHERE conversation_id = $1`, [conversationId]);
    expect(messages.rows[0]!.content).toMatch(/^I'm sorry — a member of our team reviewed your request \(Cancel order\)/);
    expect(messages.rows[0]!.content).not.toContain('fraud');
  });

  it('the admin test endpoint runs a tool and keeps tenants apart', async () => {
    const tool = await registerTool('test_me', '/ok');
    const r = await atrium.http
      .post(`/v1/tools/${tool.id}/test`)
      .set(bearer(admin))
      .send({ input: { order_id: 'A1234' } });
    expect(r.body).toMatchObject({ status: 'succeeded', output: { ok: true }, error: null });
    const bad = await atrium.http.post(`/v1/tools/${tool.id}/test`).set(bearer(admin)).send({ input: {} });
    expect(bad.body).toMatchObject({ status: 'invalid_input', error: { code: 'VALIDATION', message: 'order_id: is required' } });
    const history = await atrium.http.get(`/v1/tools/${tool.id}/executions`).set(bearer(admin));
    expect(history.body.items.map((e: { status: string; source: string }) => [e.status, e.source])).toEqual([
      ['invalid_input', 'test'],
      ['succeeded', 'test'],
    ]);
    const other = await buildTenant(atrium.services);
    const otherAdmin = (await buildApiKey(atrium.services, other, { scopes: ['tenant_admin'] })).key;
    expect((await atrium.http.get(`/v1/tools/${tool.id}`).set(bearer(otherAdmin))).status).toBe(404);
    expect(
      (
        await atrium.http
          .post(`/v1/tools/${tool.id}/test`)
          .set(bearer(otherAdmin))
          .send({ input: { order_id: 'A1234' } })
      ).body.status,
    ).toBe('not_found');
  });
});

describe('workflows posting back into a conversation', () => {
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
  });
  afterAll(async () => atrium.close());

  it('an agent key posts an assistant message (201); viewers get 403, unknown conversations 404', async () => {
    const tenant = await buildTenant(atrium.services);
    const agent = (await buildApiKey(atrium.services, tenant, { scopes: ['agent'] })).key;
    const viewer = (await buildApiKey(atrium.services, tenant, { scopes: ['viewer'] })).key;
    const conv = (await atrium.database.asSuperuser(`INSERT INTO conversations (tenant_id) VALUES ($1) RETURNING id`, [tenant.id])).rows[0]!.id as string;
    const r = await atrium.http.post(`/v1/conversations/${conv}/messages`).set(bearer(agent)).send({ content: 'Your parcel was found and ships today.' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ conversation_id: conv, role: 'assistant', content: 'Your parcel was found and ships today.' });
    const stored = await atrium.database.asSuperuser('SELECT role, content FROM messages WHERE conversation_id = $1', [conv]);
    expect(stored.rows).toEqual([{ role: 'assistant', content: 'Your parcel was found and ships today.' }]);
    expect((await atrium.http.post(`/v1/conversations/${conv}/messages`).set(bearer(viewer)).send({ content: 'x' })).status).toBe(403);
    expect((await atrium.http.post(`/v1/conversations/00000000-0000-4000-8000-000000000000/messages`).set(bearer(agent)).send({ content: 'x' })).status).toBe(
      404,
    );
    expect((await atrium.http.post(`/v1/conversations/${conv}/messages`).set(bearer(agent)).send({ content: '' })).status).toBe(400);
  });
});

describe('tools SSRF guard (private networks not allowed)', () => {
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false, env: { OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'false' } });
  });
  afterAll(async () => atrium.close());

  it('refuses an HTTP binding to loopback, private or metadata addresses', async () => {
    const tenant = await buildTenant(atrium.services);
    const admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    for (const url of ['http://127.0.0.1:8080/x', 'http://169.254.169.254/latest/meta-data/', 'http://192.168.0.10/x']) {
      const r = await atrium.http
        .post('/v1/tools')
        .set(bearer(admin))
        .send({ name: 'ssrf_probe', description: 'd', input_schema: { type: 'object' }, risk: 'read', binding: { kind: 'http', url } });
      expect(r.status, url).toBe(400);
      expect(r.body.error.message).toMatch(/binding\.url: Refusing to connect/);
    }
  });
});
