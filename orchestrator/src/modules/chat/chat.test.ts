import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeLlm, type FakeLlm } from '../../../../test/fakes/llm';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import type { TenantRef } from '../../platform/http/context';
import { runTurn, type ToolProvider, type TurnEvent } from './index';

let fake: FakeLlm;
let atrium: TestAtrium;
let server: Server;
let baseURL: string;
let tenant: TenantRef;
let key: string;
let refundDocId: string;

async function indexDocument(apiKey: string, body: Record<string, unknown>): Promise<string> {
  const created = await atrium.http.post('/v1/knowledge/documents').set(bearer(apiKey)).send(body);
  expect(created.status).toBe(202);
  for (let i = 0; i < 200; i++) {
    const r = await atrium.http.get(`/v1/knowledge/documents/${created.body.id}`).set(bearer(apiKey));
    if (r.body.status === 'indexed') return created.body.id as string;
    if (r.body.status === 'failed') throw new Error(`indexing failed: ${r.body.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('document did not settle in 20 s');
}

async function setModels(apiKey: string, chain: { provider: string; model: string }[]) {
  const r = await atrium.http
    .put('/v1/admin/config')
    .set(bearer(apiKey))
    .send({ config: { models: { chain } } });
  expect(r.status).toBe(200);
}

const client = (apiKey: string) => new OpenAI({ apiKey, baseURL, maxRetries: 0 });

beforeAll(async () => {
  fake = await startFakeLlm();
  atrium = await createTestAtrium({
    env: {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      ANTHROPIC_API_KEY: 'ak-test',
      ANTHROPIC_BASE_URL: fake.anthropicBaseUrl,
      LLM_DEFAULT_CHAIN: 'openai:gpt-4o-mini',
      LLM_TIMEOUT_MS: '3000',
    },
  });
  server = atrium.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  tenant = await buildTenant(atrium.services);
  key = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
  refundDocId = await indexDocument(key, {
    title: 'Refund policy',
    url: 'https://help.example.com/refunds',
    text: '# Refunds\n\nRefunds are paid back to the original card within 14 days of the return arriving. Shipping costs are not refunded.\n',
  });
});
afterAll(async () => {
  server?.close();
  await atrium?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('POST /v1/chat/completions through the official openai client', () => {
  it('answers from the knowledge base with a structured citation, usage and a stored conversation', async () => {
    const completion = await client(key).chat.completions.create({ model: 'atrium', messages: [{ role: 'user', content: 'How long do refunds take?' }] });
    const answer = completion.choices[0]!.message.content!;
    expect(answer).toMatch(/^\[1\] Refund policy.*Refunds are paid back to the original card within 14 days/m);
    const extra = completion as unknown as {
      conversation_id: string;
      citations: { document_id: string; index: number; url: string }[];
      atrium: Record<string, unknown>;
    };
    expect(extra.citations[0]).toMatchObject({ index: 1, document_id: refundDocId, url: 'https://help.example.com/refunds' });
    expect(extra.atrium).toMatchObject({ answered_by: 'model', model: 'openai:gpt-4o-mini', escalated: false });
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);

    const prompt = fake.requests[0]!;
    expect(prompt.texts[0]).toContain('cite it as [n]');
    expect(prompt.lastUserMessage).toBe('How long do refunds take?');

    const stored = await atrium.http.get(`/v1/conversations/${extra.conversation_id}`).set(bearer(key));
    expect(stored.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(stored.body.messages[1]).toMatchObject({ content: answer, model: 'openai:gpt-4o-mini' });
    expect(stored.body.messages[1].usage.prompt_tokens).toBe(completion.usage!.prompt_tokens);
    const audit = await atrium.database.asSuperuser(`SELECT data FROM audit_log WHERE tenant_id = $1 AND action = 'chat.turn'`, [tenant.id]);
    expect(JSON.stringify(audit.rows)).not.toContain('How long do refunds take');
    const usage = await atrium.database.asSuperuser(`SELECT provider, model, requests FROM model_usage_daily WHERE tenant_id = $1`, [tenant.id]);
    expect(usage.rows).toContainEqual({ provider: 'openai', model: 'gpt-4o-mini', requests: expect.any(Number) });
  });

  it('streams the same answer as chunks, with usage, and stores exactly what was streamed', async () => {
    const stream = await client(key).chat.completions.create({
      model: 'atrium',
      messages: [{ role: 'user', content: 'How long do refunds take?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let conversationId: string | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
      conversationId ??= (chunk as unknown as { conversation_id?: string }).conversation_id;
    }
    expect(text).toContain('within 14 days');
    expect(finish).toBe('stop');
    expect(usage!.total_tokens).toBeGreaterThan(0);
    const stored = await atrium.http.get(`/v1/conversations/${conversationId}`).set(bearer(key));
    expect(stored.body.messages[1].content).toBe(text);
  });

  it('sends citation and done events a plain SSE client can read', async () => {
    const r = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { ...bearer(key), 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'atrium', stream: true, messages: [{ role: 'user', content: 'How long do refunds take?' }] }),
    });
    const body = await r.text();
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    expect(body).toMatch(/event: citation\ndata: .*"document_id":"/);
    expect(body).toMatch(/event: done\ndata: .*"usage":\{"prompt_tokens":\d+/);
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('continues a conversation with its stored history', async () => {
    const first = await client(key).chat.completions.create({ model: 'atrium', messages: [{ role: 'user', content: 'How long do refunds take?' }] });
    const conversationId = (first as unknown as { conversation_id: string }).conversation_id;
    fake.reset();
    await client(key).chat.completions.create({
      model: 'atrium',
      messages: [{ role: 'user', content: 'And shipping costs?' }],
      conversation_id: conversationId,
    } as never);
    expect(fake.requests[0]!.texts).toContain('How long do refunds take?');
    const stored = await atrium.http.get(`/v1/conversations/${conversationId}`).set(bearer(key));
    expect(stored.body.messages).toHaveLength(4);
  });
});

describe('model failures', () => {
  it('falls back to the next model in the tenant chain when one fails', async () => {
    const t = await buildTenant(atrium.services);
    const k = (await buildApiKey(atrium.services, t, { scopes: ['tenant_admin'] })).key;
    await setModels(k, [
      { provider: 'openai', model: 'broken-model' },
      { provider: 'anthropic', model: 'claude-haiku-4-5' },
    ]);
    fake.on({ model: 'broken-model' }, reply.error(503));
    const completion = await client(k).chat.completions.create({ model: 'atrium', messages: [{ role: 'user', content: 'hello there' }] });
    expect((completion as unknown as { atrium: { model: string } }).atrium.model).toBe('anthropic:claude-haiku-4-5');
    expect(fake.requests.map((request) => request.api)).toContain('anthropic-messages');
  });

  it('replies gracefully and escalates when every provider is down, never a 500', async () => {
    fake.on({}, reply.error(503));
    const r = await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(key))
      .send({ model: 'atrium', messages: [{ role: 'user', content: 'How long do refunds take?' }] });
    expect(r.status).toBe(200);
    expect(r.body.choices[0].message.content).toMatch(/passed your question to a colleague/);
    expect(r.body.atrium).toMatchObject({ answered_by: 'fallback', escalated: true });
    const conversation = await atrium.http.get(`/v1/conversations/${r.body.conversation_id}`).set(bearer(key));
    expect(conversation.body).toMatchObject({ status: 'escalated', owner: 'human' });
    const audit = await atrium.database.asSuperuser(
      `SELECT data FROM audit_log WHERE tenant_id = $1 AND action = 'conversation.escalated' AND resource_id = $2`,
      [tenant.id, r.body.conversation_id],
    );
    expect(audit.rows[0]!.data).toMatchObject({ reason: 'model_failure' });
  });

  it('stays silent in a conversation a human has taken over', async () => {
    const started = await client(key).chat.completions.create({ model: 'atrium', messages: [{ role: 'user', content: 'hi' }] });
    const conversationId = (started as unknown as { conversation_id: string }).conversation_id;
    await atrium.http.post(`/v1/conversations/${conversationId}/escalate`).set(bearer(key)).send({ reason: 'customer is upset' }).expect(200);
    fake.reset();
    const r = await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(key))
      .send({ messages: [{ role: 'user', content: 'hello?' }], conversation_id: conversationId });
    expect(r.body.atrium).toMatchObject({ answered_by: 'human', message_id: null });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('offline answerer (no model configured)', () => {
  let offline: TenantRef;
  let offlineKey: string;
  beforeAll(async () => {
    offline = await buildTenant(atrium.services);
    offlineKey = (await buildApiKey(atrium.services, offline, { scopes: ['tenant_admin'] })).key;
    await setModels(offlineKey, [{ provider: 'offline', model: 'extractive' }]);
    await indexDocument(offlineKey, {
      title: 'Opening hours',
      text: 'Our support desk is open Monday to Friday from 9:00 to 17:00. On public holidays the desk is closed.',
    });
  });

  it('composes a cited answer from the best passage without calling any model', async () => {
    const r = await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(offlineKey))
      .send({ messages: [{ role: 'user', content: 'When is the support desk open?' }] });
    expect(r.status).toBe(200);
    expect(r.body.choices[0].message.content).toMatch(/open Monday to Friday from 9:00 to 17:00\. \[1\]/);
    expect(r.body.citations[0]).toMatchObject({ index: 1, title: 'Opening hours' });
    expect(r.body.atrium).toMatchObject({ answered_by: 'extractive', model: 'atrium:extractive', no_answer: false });
    expect(fake.requests).toHaveLength(0);
  });

  it('says plainly when the knowledge base has no answer, and hands over to a human', async () => {
    const r = await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(offlineKey))
      .send({ messages: [{ role: 'user', content: 'Can I pay with cryptocurrency?' }] });
    expect(r.body.choices[0].message.content).toMatch(/couldn't find an answer to that in our knowledge base/);
    expect(r.body.atrium).toMatchObject({ no_answer: true, escalated: true });
    expect(r.body.citations).toEqual([]);
  });
});

describe('access', () => {
  it('401s without a credential, 400s a malformed body, 403s a key without chat:create', async () => {
    expect((await atrium.http.post('/v1/chat/completions').send({ messages: [{ role: 'user', content: 'x' }] })).status).toBe(401);
    const bad = await atrium.http.post('/v1/chat/completions').set(bearer(key)).send({ messages: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION');
    const notUser = await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(key))
      .send({ messages: [{ role: 'assistant', content: 'x' }] });
    expect(notUser.status).toBe(400);
    const narrow = (await buildApiKey(atrium.services, tenant, { scopes: ['config:read'] })).key;
    expect(
      (
        await atrium.http
          .post('/v1/chat/completions')
          .set(bearer(narrow))
          .send({ messages: [{ role: 'user', content: 'x' }] })
      ).status,
    ).toBe(403);
  });

  it('never lets another tenant read or continue a conversation', async () => {
    const mine = await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(key))
      .send({ messages: [{ role: 'user', content: 'hi' }] });
    const stranger = await buildTenant(atrium.services);
    const strangerKey = (await buildApiKey(atrium.services, stranger, { scopes: ['tenant_admin'] })).key;
    expect((await atrium.http.get(`/v1/conversations/${mine.body.conversation_id}`).set(bearer(strangerKey))).status).toBe(404);
    const hijack = await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(strangerKey))
      .send({ messages: [{ role: 'user', content: 'hi' }], conversation_id: mine.body.conversation_id });
    expect(hijack.status).toBe(404);
    const list = await atrium.http.get('/v1/conversations').set(bearer(strangerKey));
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(mine.body.conversation_id);
  });
});

describe('runTurn for channels', () => {
  it('streams tool_call and tool_result events through a pluggable tool provider, then the answer', async () => {
    const executed: string[] = [];
    const toolTurns: string[] = [];
    const toolProvider: ToolProvider = {
      list: async () => [{ name: 'lookup_order', description: 'Order status', parameters: { type: 'object', properties: { orderId: { type: 'string' } } } }],
      execute: async (turn, call) => {
        executed.push(call.arguments);
        toolTurns.push(turn.conversationId);
        return { status: 'ok', content: '{"status":"shipped"}' };
      },
    };
    fake.enqueue(reply.toolCall('lookup_order', { orderId: 'A-17' }), reply.text('Your order A-17 has shipped.'));
    const principal = { kind: 'api_key' as const, subject: 'key:test', tenants: [tenant.slug], roles: [], groups: [], scopes: ['tenant_admin'] };
    const ctx = { services: atrium.services, principal, tenant: { ...tenant }, requestId: 'test', log: atrium.services.log };
    const events: TurnEvent[] = [];
    for await (const event of runTurn({
      ctx,
      channel: 'playground',
      messages: [{ role: 'user', content: 'Where is order A-17?' }],
      stream: true,
      toolProvider,
    }))
      events.push(event);
    expect(events.map((event) => event.type).filter((type) => type !== 'delta' && type !== 'safety')).toEqual([
      'conversation',
      'tool_call',
      'tool_result',
      'done',
    ]);
    expect(executed.map((args) => JSON.parse(args))).toEqual([{ orderId: 'A-17' }]);
    // The model call starts before the turn is stored; the tool still runs for the stored conversation.
    const opened = events.find((event) => event.type === 'conversation');
    expect(toolTurns).toEqual([opened?.type === 'conversation' ? opened.conversationId : 'missing']);
    const toolResult = events.find((event) => event.type === 'tool_result');
    expect(toolResult).toMatchObject({ result: { name: 'lookup_order', status: 'ok', content: '{"status":"shipped"}' } });
    const text = events.flatMap((event) => (event.type === 'delta' ? [event.text] : [])).join('');
    const done = events.at(-1);
    if (done?.type !== 'done') throw new Error('turn did not finish');
    expect(done.result.text).toBe(text);
    expect(text).toContain('has shipped');
    // The model's second call saw the tool result as a tool message.
    expect(fake.requests[1]!.body.messages).toContainEqual(expect.objectContaining({ role: 'tool', content: '{"status":"shipped"}' }));
    // The transcript (GET /v1/conversations/:id, the console's Conversations module) shows the call and how it ended.
    const transcript = await atrium.http.get(`/v1/conversations/${toolTurns[0]}`).set(bearer(key));
    expect(transcript.status).toBe(200);
    const answer = transcript.body.messages.find((m: { role: string }) => m.role === 'assistant');
    expect(answer.tool_calls).toEqual([{ id: expect.any(String), name: 'lookup_order', arguments: '{"orderId":"A-17"}', status: 'ok' }]);
  });

  it('answers nothing, streams nothing and stores no reply when the turn cannot be stored', async () => {
    // The user's message cannot be written (slowly: the model has answered by then), while the reads the prompt needs still work.
    const failLater = () => new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('disk full')), 300));
    const db = atrium.services.db;
    const failingDb: typeof db = Object.create(db);
    failingDb.withTenant = (tenantId, fn) =>
      db.withTenant(tenantId, (tx) => {
        const failing: typeof tx = Object.create(tx);
        failing.query = ((sql: string, params?: readonly unknown[]) =>
          /INSERT INTO messages/i.test(sql) ? failLater() : tx.query(sql, params)) as typeof tx.query;
        return fn(failing);
      });
    const services = Object.assign(Object.create(atrium.services), { db: failingDb }) as typeof atrium.services;
    fake.enqueue(reply.text('Refunds take 14 days.'));
    const principal = { kind: 'api_key' as const, subject: 'key:unstored', tenants: [tenant.slug], roles: [], groups: [], scopes: ['tenant_admin'] };
    const ctx = { services, principal, tenant: { ...tenant }, requestId: 'test-unstored', log: atrium.services.log };
    const events: TurnEvent[] = [];
    await expect(
      (async () => {
        for await (const event of runTurn({ ctx, channel: 'playground', messages: [{ role: 'user', content: 'How long do refunds take?' }], stream: true }))
          events.push(event);
      })(),
    ).rejects.toThrow('disk full');
    expect(events).toEqual([]);
    const stored = await atrium.database.asSuperuser(
      `SELECT count(*)::int AS n FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE c.tenant_id = $1 AND c.user_subject = $2`,
      [tenant.id, 'key:unstored'],
    );
    expect(stored.rows[0]).toEqual({ n: 0 });
  });
});
