import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTRACT_DIR } from './contract';
import { startFakeChatwoot, type AgentBot, type FakeChatwoot } from './index';
import { startDeliveryReceiver, type DeliveryReceiver } from './receiver';

/**
 * Keeps the fake honest: every event it emits has the structure of Chatwoot's derived examples, and every response it
 * gives matches Chatwoot's own OpenAPI response schema (except the documented code-vs-swagger deviations).
 */
const example = (name: string) => JSON.parse(readFileSync(join(CONTRACT_DIR, 'derived-examples', name), 'utf8')) as Record<string, unknown>;

/** Structure = key sets at every depth + JSON types of leaves (values differ: ids, times, tokens). */
function shape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, shape(v)]));
  return typeof value;
}

const widgetAttributes = example('agent_bot.message_created.incoming_widget.json').conversation as { additional_attributes: Record<string, unknown> };

let fake: FakeChatwoot;
let receiver: DeliveryReceiver;
let bot: AgentBot;

beforeEach(async () => {
  fake = await startFakeChatwoot({ botRetryDelayMs: 5 });
  receiver = await startDeliveryReceiver();
  bot = fake.connectBot(receiver.url);
});
afterEach(async () => {
  await fake.settle();
  await fake.close();
  await receiver.close();
});

function mariaWrites() {
  const contact = fake.addContact({ name: 'Maria Lopez', email: 'maria@example.com' });
  return fake.customerWrites('Hi, I was charged twice for invoice INV-2041. Can you help?', {
    contact,
    additionalAttributes: widgetAttributes.additional_attributes,
  });
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${fake.url}/api/v1/accounts/1${path}`, {
    method,
    headers: { 'content-type': 'application/json', api_access_token: token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json');
  return { status: res.status, body: text && json ? (JSON.parse(text) as unknown) : text || undefined, headers: res.headers };
}

const eventsReceived = (event: string) => receiver.received.filter((d) => d.body.event === event);

describe('fake Chatwoot event builders match the derived examples', () => {
  it('sends message_created for an incoming widget message with the exact structure of the example', async () => {
    mariaWrites();
    await fake.settle();
    const [delivery] = eventsReceived('message_created');
    expect(shape(delivery!.body)).toEqual(shape(example('agent_bot.message_created.incoming_widget.json')));
    expect(delivery!.body).toMatchObject({
      message_type: 'incoming',
      private: false,
      conversation: { status: 'pending', meta: { assignee_type: 'AgentBot' } },
    });
  });

  it('sends conversation_updated and conversation_status_changed after a bot handoff, shaped like the examples', async () => {
    const { conversation } = mariaWrites();
    const res = await api(bot.accessToken, 'POST', `/conversations/${conversation.displayId}/toggle_status`, { status: 'open' });
    expect(res.body).toEqual(example('api.toggle_status.response.bot_handoff.json'));
    await fake.settle();
    const updated = eventsReceived('conversation_updated').at(-1)!.body;
    expect(shape(updated)).toEqual(shape(example('agent_bot.conversation_updated.after_bot_handoff.json')));
    expect((updated.changed_attributes as object[]).map((c) => Object.keys(c)[0])).toEqual(['assignee_agent_bot_id', 'status', 'updated_at']);
    const statusChanged = eventsReceived('conversation_status_changed')[0]!.body;
    expect(shape(statusChanged)).toEqual(shape(example('agent_bot.conversation_status_changed.after_bot_handoff.json')));
    expect(eventsReceived('conversation_opened')).toHaveLength(1);
  });

  it('sends webwidget_triggered shaped like the example, to the inbox bot', async () => {
    const contact = fake.addContact({ name: 'Maria Lopez', email: 'maria@example.com' });
    await fake.widgetOpened(contact, { referer: 'https://www.example.com/billing' });
    expect(shape(eventsReceived('webwidget_triggered')[0]!.body)).toEqual(shape(example('agent_bot.webwidget_triggered.json')));
  });

  it('answers a bot input_select message exactly in the shape of the example response', async () => {
    const { conversation } = mariaWrites();
    const res = await api(bot.accessToken, 'POST', `/conversations/${conversation.displayId}/messages`, {
      content: 'Sorry about that! Which card did you pay with?',
      content_type: 'input_select',
      content_attributes: {
        items: [
          { title: 'Visa', value: 'visa' },
          { title: 'PayPal', value: 'paypal' },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(shape(res.body)).toEqual(shape(example('api.messages.create.response.bot_input_select.json')));
  });

  it("emits agents' replies, private notes and the bot's own messages to the bot, distinguishable by message_type, private and sender", async () => {
    const { conversation } = mariaWrites();
    await api(bot.accessToken, 'POST', `/conversations/${conversation.displayId}/messages`, { content: 'Bot here' });
    fake.agentWrites(conversation, 'Agent here');
    fake.agentWrites(conversation, 'Internal: VIP customer', { private: true });
    await fake.settle();
    const messages = eventsReceived('message_created').map((d) => d.body);
    const incomingShape = shape(example('agent_bot.message_created.incoming_widget.json')) as Record<string, unknown>;
    for (const m of messages) expect(Object.keys(shape(m) as object)).toEqual(Object.keys(incomingShape));
    expect(messages.map((m) => [m.message_type, m.private, (m.sender as { type?: string }).type ?? 'contact'])).toEqual([
      ['incoming', false, 'contact'],
      ['outgoing', false, 'agent_bot'],
      ['outgoing', false, 'user'],
      ['outgoing', true, 'user'],
    ]);
    // the conversation's `messages` never shows a private note (last non-activity, non-private message)
    expect((messages[3]!.conversation as { messages: Array<{ content: string }> }).messages[0]!.content).toBe('Agent here');
  });

  it('escapes <, > and & in bodies like Rails, and signs the raw bytes', async () => {
    mariaWrites();
    fake.customerWrites('a <b> & c', { conversation: [...fake.state.conversations.values()][0] });
    await fake.settle();
    const d = receiver.received.at(-1)!;
    expect(d.rawBody).toContain('a \\u003cb\\u003e \\u0026 c');
    const expected = createHmac('sha256', bot.secret).update(`${d.headers['x-chatwoot-timestamp']}.${d.rawBody}`).digest('hex');
    expect(d.headers['x-chatwoot-signature']).toBe(`sha256=${expected}`);
  });
});

describe('fake Chatwoot deliveries sent from a sender thread (the bench)', () => {
  it('delivers the same signed bytes and records the attempt as the in-thread senders do', async () => {
    const threaded = await startFakeChatwoot({ botRetryDelayMs: 5, senderThread: true });
    try {
      const threadedBot = threaded.connectBot(receiver.url);
      threaded.customerWrites('a <b> & c');
      await threaded.settle();
      const d = receiver.received.at(-1)!;
      expect(d.rawBody).toContain('a \\u003cb\\u003e \\u0026 c');
      const expected = createHmac('sha256', threadedBot.secret).update(`${d.headers['x-chatwoot-timestamp']}.${d.rawBody}`).digest('hex');
      expect(d.headers['x-chatwoot-signature']).toBe(`sha256=${expected}`);
      const record = threaded.deliveries.at(-1)!;
      expect(record).toMatchObject({ event: 'message_created', delivered: true, deliveryId: d.headers['x-chatwoot-delivery'] });
      expect(record.attempts).toEqual([expect.objectContaining({ status: 200, durationMs: expect.any(Number) })]);
    } finally {
      await threaded.close();
    }
  });
});

describe('fake Chatwoot responses conform to the OpenAPI response schemas', () => {
  it('answers every implemented endpoint with a body valid against swagger', async () => {
    const { conversation } = mariaWrites();
    const id = conversation.displayId;
    const admin = fake.admin.accessToken;
    const botCalls: Array<[string, string, unknown?]> = [
      ['GET', `/conversations/${id}`],
      ['POST', `/conversations/${id}/messages`, { content: 'hello', private: true }],
      ['POST', `/conversations/${id}/toggle_typing_status`, { typing_status: 'on' }],
      ['POST', `/conversations/${id}/toggle_priority`, { priority: 'high' }],
      ['POST', `/conversations/${id}/labels`, { labels: ['Billing', 'handoff'] }],
      ['GET', `/conversations/${id}/labels`],
      ['POST', `/conversations/${id}/custom_attributes`, { custom_attributes: { atrium_handoff_reason: 'asked_for_human' }, merge: true }],
      ['POST', `/conversations/${id}/assignments`, { assignee_id: fake.agent.id }],
      ['POST', `/conversations/${id}/toggle_status`, { status: 'resolved' }],
    ];
    for (const [method, path, body] of botCalls) expect((await api(bot.accessToken, method, path, body)).status).toBe(200);
    const created = await api(admin, 'POST', '/agent_bots', { name: 'Atrium', outgoing_url: 'https://atrium.example/hook' });
    const botId = (created.body as { id: number }).id;
    const agent = await api(admin, 'POST', '/agents', { name: 'Kim', email: 'kim@acme.test', role: 'agent' });
    const agentId = (agent.body as { id: number }).id;
    const adminCalls: Array<[string, string, unknown?]> = [
      ['GET', `/conversations/${id}/messages`],
      ['GET', '/agent_bots'],
      ['GET', `/agent_bots/${botId}`],
      ['PATCH', `/agent_bots/${botId}`, { description: 'x' }],
      ['POST', `/agent_bots/${botId}/reset_secret`],
      ['POST', `/inboxes/${fake.inbox.id}/set_agent_bot`, { agent_bot: botId }],
      ['GET', `/inboxes/${fake.inbox.id}/agent_bot`],
      ['GET', '/agents'],
      ['PATCH', `/agents/${agentId}`, { role: 'administrator' }],
      ['DELETE', `/agents/${agentId}`],
      ['POST', '/webhooks', { url: 'https://atrium.example/events', subscriptions: ['message_created'] }],
      ['GET', '/webhooks'],
      ['DELETE', '/webhooks/1'],
      ['POST', '/dashboard_apps', { title: 'Atrium', content: [{ type: 'frame', url: 'https://atrium.example/cw' }] }],
      ['GET', '/dashboard_apps'],
      ['DELETE', `/contacts/${conversation.contactId}`],
      ['DELETE', `/agent_bots/${botId}`],
    ];
    for (const [method, path, body] of adminCalls) expect((await api(admin, method, path, body)).status, `${method} ${path}`).toBe(200);
    expect((await fetch(`${fake.url}/api/v1/profile`, { headers: { api_access_token: admin } })).status).toBe(200);

    const failures = fake.requests.filter((r) => r.responseCheck && !r.responseCheck.ok);
    expect(failures.map((r) => `${r.method} ${r.route}: ${r.responseCheck!.errors.join(', ')}`)).toEqual([]);
    expect(fake.requests.filter((r) => r.responseCheck?.ok).length).toBeGreaterThanOrEqual(12);
  });
});

describe('fake Chatwoot enforces the contract on callers', () => {
  it("rejects a bot token on endpoints outside the bot allow-list with 401 and Chatwoot's message", async () => {
    for (const [method, path] of [
      ['GET', '/agents'],
      ['GET', '/conversations/12/messages'],
      ['POST', '/agent_bots'],
    ] as const) {
      const res = await api(bot.accessToken, method, path, method === 'POST' ? { name: 'x' } : undefined);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'Access to this endpoint is not authorized for bots' });
    }
  });

  it('rejects an unknown token with 401 Invalid Access Token and an agent on admin endpoints', async () => {
    expect(await api('nope', 'GET', '/conversations/12')).toMatchObject({ status: 401, body: { error: 'Invalid Access Token' } });
    expect((await api(fake.agent.accessToken, 'POST', '/agents', { name: 'a', email: 'a@b.c', role: 'agent' })).status).toBe(401);
  });

  it('rejects a bot acting in an account it does not belong to', async () => {
    const res = await fetch(`${fake.url}/api/v1/accounts/2/conversations/1`, { headers: { api_access_token: bot.accessToken } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Bot is not authorized to access this account' });
  });

  it('rejects bodies that violate the swagger schema and content rules, writing nothing', async () => {
    const { conversation } = mariaWrites();
    const before = fake.messagesOf(conversation).length;
    const path = `/conversations/${conversation.displayId}/messages`;
    expect((await api(bot.accessToken, 'POST', path, { content: 42 })).status).toBe(422);
    expect((await api(bot.accessToken, 'POST', path, { content: 'pick', content_type: 'input_select', content_attributes: { items: [] } })).body).toEqual({
      error: 'Validation failed: Content attributes At least one item is required.',
    });
    expect((await api(bot.accessToken, 'POST', path, { content: 'x', message_type: 'incoming' })).body).toEqual({
      error: 'Incoming messages are only allowed in Api inboxes',
    });
    expect((await api(bot.accessToken, 'POST', `/conversations/${conversation.displayId}/toggle_status`, { status: 'closed' })).status).toBe(422);
    expect(fake.messagesOf(conversation)).toHaveLength(before);
  });

  it('answers 404 for endpoints Chatwoot does not have and 501 for swagger endpoints the fake does not implement', async () => {
    expect((await api(bot.accessToken, 'GET', '/no_such_thing')).status).toBe(404);
    expect((await api(fake.admin.accessToken, 'GET', '/canned_responses')).status).toBe(501);
    expect((await api(bot.accessToken, 'GET', '/conversations/999')).body).toEqual({ error: 'Resource could not be found' });
  });
});

describe('fake Chatwoot deliveries and failures', () => {
  it('signs with sha256=HMAC(secret, "ts.body"), reuses the delivery id on a replay, and can send unsigned or stale deliveries', async () => {
    const { message } = mariaWrites();
    await fake.settle();
    const original = receiver.received[0]!;
    const target = fake.botTarget(bot);
    await fake.deliverMessage(message, target, { deliveryId: original.headers['x-chatwoot-delivery'] });
    await fake.deliverMessage(message, target, { signature: 'missing' });
    await fake.deliverMessage(message, target, { signature: 'wrong-secret' });
    await fake.deliverMessage(message, target, { timestampOffsetSeconds: -600 });
    const [, replay, unsigned, wrong, stale] = receiver.received;
    expect(replay!.headers['x-chatwoot-delivery']).toBe(original.headers['x-chatwoot-delivery']);
    expect(unsigned!.headers['x-chatwoot-signature']).toBeUndefined();
    const sign = (d: typeof original) => `sha256=${createHmac('sha256', bot.secret).update(`${d.headers['x-chatwoot-timestamp']}.${d.rawBody}`).digest('hex')}`;
    expect(wrong!.headers['x-chatwoot-signature']).not.toBe(sign(wrong!));
    expect(Number(stale!.headers['x-chatwoot-timestamp'])).toBeLessThan(Date.now() / 1000 - 500);
    expect(stale!.headers['x-chatwoot-signature']).toBe(sign(stale!));
  });

  it('retries a bot delivery answered 500 three times with the same delivery id, then opens the pending conversation', async () => {
    receiver.respondWith(500, 500, 500);
    const { conversation } = mariaWrites();
    await fake.settle();
    const attempts = receiver.received.filter((d) => d.body.event === 'message_created');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((d) => d.headers['x-chatwoot-delivery'])).size).toBe(1);
    expect(conversation.status).toBe('open');
  });

  it('injects the same faults for the same seed, with Retry-After on 429', async () => {
    const run = async () => {
      fake.faults.configure({ seed: 42, errorRate: 0.2, rateLimitRate: 0.1, retryAfterSeconds: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await api(bot.accessToken, 'GET', '/conversations/404')).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(429);
    const limited = await (async () => {
      fake.faults.failNext({ kind: 'rate-limit', retryAfterSeconds: 2 });
      return api(bot.accessToken, 'GET', '/conversations/12');
    })();
    expect(limited).toMatchObject({ status: 429, body: 'Retry later' });
    expect(limited.headers.get('retry-after')).toBe('2');
  });
});
