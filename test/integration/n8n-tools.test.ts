import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createN8nApi, signToolCall } from '@atrium/connectors/n8n';
import { importWorkflows, registerTools } from '../../n8n/scripts/import-workflows';
import { reply, startFakeLlm, type FakeLlm } from '../fakes/llm';
import { bearer, buildApiKey, buildTenant } from '../factories';
import { createTestAtrium, type TestAtrium } from '../support/app';
import type { TenantRef } from '../../orchestrator/src/platform/http/context';

/**
 * Tools through a REAL n8n 2.8.4 (started by the global setup): the sample workflows are imported and
 * activated over n8n's public API, the sample tools registered through Atrium's API, and the model
 * (the fake LLM) calls them through POST /v1/chat/completions.
 */
const n8n = inject('n8n');
const SECRET = 'n8n-webhook-secret-for-the-test-suite';

describe.runIf(n8n)('tools through a real n8n', () => {
  let fake: FakeLlm;
  let atrium: TestAtrium;
  let server: Server;
  let baseUrl: string;
  let tenant: TenantRef;
  let admin: string;
  let approver: string;
  let customer: string;

  beforeAll(async () => {
    await importWorkflows({ baseUrl: n8n.url, apiKey: n8n.apiKey, secret: SECRET });
    fake = await startFakeLlm();
    atrium = await createTestAtrium({
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: fake.openaiBaseUrl,
        LLM_DEFAULT_CHAIN: 'openai:gpt-4o-mini',
        LLM_TIMEOUT_MS: '5000',
        N8N_BASE_URL: n8n.url,
        N8N_WEBHOOK_SECRET: SECRET,
      },
    });
    server = atrium.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tenant = await buildTenant(atrium.services);
    admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    approver = (await buildApiKey(atrium.services, tenant, { scopes: ['approver'] })).key;
    customer = (await buildApiKey(atrium.services, tenant, { scopes: ['agent'] })).key;
    await registerTools({ atriumUrl: baseUrl, apiKey: admin });
  });
  afterAll(async () => {
    server?.close();
    await atrium?.close();
    await fake?.close();
  });

  const chat = (content: string, conversationId?: string) =>
    new OpenAI({ apiKey: customer, baseURL: `${baseUrl}/v1`, maxRetries: 0 }).chat.completions.create({
      model: 'atrium',
      messages: [{ role: 'user', content }],
      ...(conversationId ? { conversation_id: conversationId } : {}),
    } as never);
  /** The tool result the model was given back, as it arrived at the (fake) model. */
  const toolResultSeenByModel = () => {
    const messages = (fake.requests.at(-1)!.body as { messages: { role: string; content: string }[] }).messages;
    return messages
      .filter((m) => m.role === 'tool')
      .map((m) => m.content)
      .at(-1)!;
  };

  it('imports and activates the sample workflows, which refuse unsigned or forged calls', async () => {
    const active = (await createN8nApi({ baseUrl: n8n.url, apiKey: n8n.apiKey }).listWorkflows()).filter((w) => w.name.startsWith('Atrium tool:') && w.active);
    expect(active.map((w) => w.name).sort()).toEqual([
      'Atrium tool: create support ticket',
      'Atrium tool: issue refund (high risk)',
      'Atrium tool: look up order',
      'Atrium tool: notify a team channel',
    ]);
    const body = JSON.stringify({ input: { order_id: 'A1001' }, context: {} });
    const unsigned = await fetch(`${n8n.url}/webhook/tool/lookup-order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const forged = await fetch(`${n8n.url}/webhook/tool/lookup-order`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signToolCall('not-the-secret-at-all', body) },
      body,
    });
    expect(forged.status).toBe(401);
    const genuine = await fetch(`${n8n.url}/webhook/tool/lookup-order`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signToolCall(SECRET, body) },
      body,
    });
    expect(await genuine.json()).toMatchObject({ found: true, order_id: 'A1001', status: 'shipped' });
  });

  it('the assistant looks up an order through n8n: model tool call → signed webhook → result back to the model → answer', async () => {
    fake.enqueue(
      reply.toolCall('lookup_order', { order_id: 'A1001' }, { id: 'call_lookup' }),
      reply.text('Your order A1001 has shipped with DHL (tracking JD014600003828).'),
    );
    const completion = await chat('Where is my order A1001?');
    expect(completion.choices[0]!.message.content).toContain('shipped with DHL');
    expect(JSON.parse(toolResultSeenByModel())).toMatchObject({ ok: true, found: true, order_id: 'A1001', carrier: 'DHL', tracking: 'JD014600003828' });
    const tools = (fake.requests[0]!.body as { tools: { function: { name: string } }[] }).tools.map((t) => t.function.name);
    expect(tools).toEqual(expect.arrayContaining(['lookup_order', 'issue_refund', 'create_support_ticket', 'notify_channel']));
    const rows = await atrium.database.asSuperuser(
      `SELECT status, source, call_id, input, output, latency_ms FROM tool_executions WHERE tenant_id = $1 AND tool_name = 'lookup_order'`,
      [tenant.id],
    );
    expect(rows.rows[0]).toMatchObject({
      status: 'succeeded',
      source: 'chat',
      call_id: 'call_lookup',
      input: { order_id: 'A1001' },
      output: { carrier: 'DHL' },
    });
    const executions = await createN8nApi({ baseUrl: n8n.url, apiKey: n8n.apiKey }).listExecutions({ status: 'success', limit: 50 });
    expect(executions.length).toBeGreaterThan(0);
  });

  it('the assistant acts through n8n: a low-risk ticket is created at once, with no approval, and every step is audited', async () => {
    fake.enqueue(
      reply.toolCall('create_support_ticket', { subject: 'Parcel arrived damaged', priority: 'high' }, { id: 'call_ticket' }),
      reply.text('I have opened a ticket for you.'),
    );
    const completion = await chat('My parcel arrived damaged, please open a ticket.');
    const conversationId = (completion as unknown as { conversation_id: string }).conversation_id;
    const result = JSON.parse(toolResultSeenByModel()) as { ok: boolean; ticket_id: string; execution_id: string };
    expect(result).toMatchObject({ ok: true, ticket_id: expect.stringMatching(/^TCK-/), status: 'open', priority: 'high', subject: 'Parcel arrived damaged' });
    // it really ran in n8n: the workflow's execution is there (saved just after the webhook answered)
    const runs = () => createN8nApi({ baseUrl: n8n.url, apiKey: n8n.apiKey }).listExecutions({ status: 'success', limit: 100 });
    await expect.poll(async () => (await runs()).map((e) => e.id)).toContain(String(result.execution_id));
    expect((await atrium.http.get('/v1/approvals').query({ conversation_id: conversationId }).set(bearer(approver))).body.items).toEqual([]);
    const trail = await atrium.database.asSuperuser(
      `SELECT action, data->>'tool' AS tool FROM audit_log WHERE tenant_id = $1 AND (resource_id = $2 OR data->>'conversation_id' = $2) ORDER BY seq`,
      [tenant.id, conversationId],
    );
    expect(trail.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['tool.executed', 'chat.turn']));
    expect(trail.rows.find((r) => r.action === 'tool.executed')!.tool).toBe('create_support_ticket');
  });

  it('invalid tool input goes back to the model as a clear error, and the turn still completes', async () => {
    fake.enqueue(reply.toolCall('lookup_order', { order: 'A1001' }), reply.text('Could you tell me your order number, e.g. A1001?'));
    const completion = await chat('Where is my order?');
    expect(completion.choices[0]!.message.content).toContain('order number');
    expect(toolResultSeenByModel()).toMatch(/arguments for "lookup_order" are invalid: .*order_id: is required/);
  });

  it('a refund (high risk) waits for an approver, runs in n8n on approval, and the customer hears the result', async () => {
    fake.enqueue(
      reply.toolCall('issue_refund', { order_id: 'A1002', amount: 25, reason: 'damaged on arrival' }),
      reply.text('I have asked a team member to approve your refund; you will hear back here.'),
    );
    const completion = await chat('Please refund 25 EUR for order A1002, it arrived damaged.');
    const conversationId = (completion as unknown as { conversation_id: string }).conversation_id;
    expect(conversationId).toBeTruthy();
    expect(toolResultSeenByModel()).toMatch(/needs approval from a team member/);
    const list = await atrium.http.get('/v1/approvals').query({ status: 'submitted', conversation_id: conversationId }).set(bearer(approver));
    expect(list.body.items).toHaveLength(1);
    const approval = list.body.items[0];
    expect(approval).toMatchObject({
      type: 'tool_call',
      risk: 'high',
      tool: { name: 'issue_refund', input: { order_id: 'A1002', amount: 25, currency: 'EUR' } },
      abilities: ['approve', 'reject'],
    });
    const ok = await atrium.http.post(`/v1/approvals/${approval.id}/approve`).set(bearer(approver)).send({ reason: 'photos confirm the damage' });
    expect(ok.body.status).toBe('approved');
    await expect
      .poll(async () => (await atrium.http.get(`/v1/approvals/${approval.id}`).set(bearer(approver))).body.status, { timeout: 15_000 })
      .toBe('executed');
    const done = (await atrium.http.get(`/v1/approvals/${approval.id}`).set(bearer(approver))).body;
    expect(done.result).toMatchObject({ ok: true, status: 'issued', order_id: 'A1002', amount: 25 });
    const messages = await atrium.http.get(`/v1/conversations/${conversationId}`).set(bearer(admin));
    const last = JSON.stringify(messages.body);
    expect(last).toContain('was approved and has been carried out. A refund of 25.00 EUR for order A1002 was issued');
    const trail = await atrium.database.asSuperuser(
      `SELECT action FROM audit_log WHERE tenant_id = $1 AND (resource_id = $2 OR data->>'approval_id' = $2) ORDER BY seq`,
      [tenant.id, approval.id],
    );
    expect(trail.rows.map((r) => r.action)).toEqual(['approval.requested', 'approval.approved', 'tool.executed', 'approval.executed']);
  });

  it('a tool timeout ends the turn with an honest message and an audit row', async () => {
    const api = createN8nApi({ baseUrl: n8n.url, apiKey: n8n.apiKey });
    // The n8n instance is shared by test runs on this machine: reuse the workflow a previous run created.
    const existing = (await api.listWorkflows()).find((w) => w.name === 'Atrium test: slow tool');
    const slow =
      existing ??
      (await api.createWorkflow({
        name: 'Atrium test: slow tool',
        settings: { executionOrder: 'v1' },
        nodes: [
          {
            id: 'b1000000-0000-4000-8000-000000000001',
            name: 'Webhook',
            type: 'n8n-nodes-base.webhook',
            typeVersion: 2.1,
            position: [0, 0],
            webhookId: 'b1000000-0000-4000-8000-000000000009',
            parameters: { httpMethod: 'POST', path: 'tool/slow', responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
          },
          {
            id: 'b1000000-0000-4000-8000-000000000002',
            name: 'Wait',
            type: 'n8n-nodes-base.wait',
            typeVersion: 1.1,
            position: [220, 0],
            parameters: { resume: 'timeInterval', amount: 3, unit: 'seconds' },
          },
        ],
        connections: { Webhook: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] } },
      }));
    if (!slow.active) await api.activateWorkflow(slow.id);
    const created = await atrium.http
      .post('/v1/tools')
      .set(bearer(admin))
      .send({
        name: 'slow_check',
        description: 'Slow check',
        input_schema: { type: 'object' },
        risk: 'read',
        binding: { kind: 'n8n', path: 'tool/slow', timeout_ms: 800 },
      });
    expect(created.status).toBe(201);
    fake.enqueue(reply.toolCall('slow_check', {}), reply.text('Sorry, I could not confirm that right now; a colleague will check.'));
    const completion = await chat('Run the slow check please');
    expect(completion.choices[0]!.message.content).toContain('colleague will check');
    expect(toolResultSeenByModel()).toMatch(/did not answer in time/);
    const audit = await atrium.database.asSuperuser(
      `SELECT data FROM audit_log WHERE tenant_id = $1 AND action = 'tool.failed' AND data->>'tool' = 'slow_check'`,
      [tenant.id],
    );
    expect(audit.rows[0]!.data).toMatchObject({ status: 'timeout', error_code: 'TOOL_TIMEOUT' });
  });
});

describe.runIf(n8n)('tools when n8n is down', () => {
  it('the turn completes with an honest message and the failure is audited', async () => {
    const fake = await startFakeLlm();
    // Port 9 (discard) on loopback: nothing listens, so every call is refused, as with a stopped n8n.
    const atrium = await createTestAtrium({
      env: {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: fake.openaiBaseUrl,
        LLM_DEFAULT_CHAIN: 'openai:gpt-4o-mini',
        N8N_BASE_URL: 'http://127.0.0.1:9',
        N8N_WEBHOOK_SECRET: SECRET,
      },
    });
    try {
      const tenant = await buildTenant(atrium.services);
      const admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
      await atrium.http
        .post('/v1/tools')
        .set(bearer(admin))
        .send({
          name: 'lookup_order',
          description: 'Look up an order',
          input_schema: { type: 'object', properties: { order_id: { type: 'string' } } },
          risk: 'read',
          binding: { kind: 'n8n', path: 'tool/lookup-order' },
        });
      fake.enqueue(
        reply.toolCall('lookup_order', { order_id: 'A1001' }),
        reply.text('I cannot reach the order system right now; let me connect you with a colleague.'),
      );
      const r = await atrium.http
        .post('/v1/chat/completions')
        .set(bearer(admin))
        .send({ model: 'atrium', messages: [{ role: 'user', content: 'Where is A1001?' }] });
      expect(r.status).toBe(200);
      expect(r.body.choices[0].message.content).toContain('connect you with a colleague');
      const toolMessage = (fake.requests.at(-1)!.body as { messages: { role: string; content: string }[] }).messages.find((m) => m.role === 'tool')!;
      expect(toolMessage.content).toMatch(/n8n is unreachable/);
      const audit = await atrium.database.asSuperuser(`SELECT data FROM audit_log WHERE tenant_id = $1 AND action = 'tool.failed'`, [tenant.id]);
      expect(audit.rows[0]!.data).toMatchObject({ tool: 'lookup_order', status: 'failed', error_code: 'TOOL_UNAVAILABLE' });
    } finally {
      await atrium.close();
      await fake.close();
    }
  });
});
