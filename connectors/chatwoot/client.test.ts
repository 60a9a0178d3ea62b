import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeChatwoot, type AgentBot, type FakeChatwoot } from '../../test/fakes/chatwoot/index';
import { startDeliveryReceiver, type DeliveryReceiver } from '../../test/fakes/chatwoot/receiver';
import { ChatwootClient, type ChatwootClientOptions } from './client';
import { ChatwootError } from './errors';
import { replyIdempotencyKey } from './idempotency';

let fake: FakeChatwoot;
let receiver: DeliveryReceiver;
let bot: AgentBot;
let sleeps: number[];

beforeEach(async () => {
  fake = await startFakeChatwoot({ botRetryDelayMs: 5 });
  receiver = await startDeliveryReceiver();
  bot = fake.connectBot(receiver.url);
  sleeps = [];
});
afterEach(async () => {
  await fake.settle();
  await fake.close();
  await receiver.close();
});

/** Backoff sleeps are recorded instead of waited for: the tests assert the schedule, not wall time. */
function client(token: string, extra: Partial<ChatwootClientOptions> = {}): ChatwootClient {
  return new ChatwootClient({
    baseUrl: fake.url,
    accountId: fake.account.id,
    token,
    timeoutMs: 2_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
}

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as ChatwootError,
  );

describe('ChatwootClient with the bot token', () => {
  it('posts a reply with quick replies and returns the parsed message', async () => {
    const { conversation } = fake.customerWrites('Which plans do you have?');
    const message = await client(bot.accessToken).createMessage(conversation.displayId, {
      content: 'We have two plans.',
      interactive: {
        type: 'input_select',
        items: [
          { title: 'Basic', value: 'basic' },
          { title: 'Pro', value: 'pro' },
        ],
      },
    });
    expect(message).toMatchObject({ conversation_id: conversation.displayId, content_type: 'input_select', message_type: 1, private: false });
    expect(fake.messagesOf(conversation).at(-1)).toMatchObject({
      senderType: 'AgentBot',
      contentAttributes: {
        items: [
          { title: 'Basic', value: 'basic' },
          { title: 'Pro', value: 'pro' },
        ],
      },
    });
  });

  it('hands off: private note, labels, custom attribute and pending→open', async () => {
    const { conversation } = fake.customerWrites('I want to talk to a person');
    const cw = client(bot.accessToken);
    await cw.createMessage(conversation.displayId, { content: 'Reason: asked for a human', private: true });
    expect(await cw.addLabels(conversation.displayId, ['atrium-handoff'])).toEqual(['atrium-handoff']);
    expect(await cw.setCustomAttributes(conversation.displayId, { atrium_handoff_reason: 'asked_for_human' })).toEqual({
      atrium_handoff_reason: 'asked_for_human',
    });
    expect(await cw.toggleStatus(conversation.displayId, 'open')).toBe('open');
    expect(conversation).toMatchObject({ status: 'open', assigneeBotId: null, labels: ['atrium-handoff'] });
  });

  it("sends only bodies that satisfy Chatwoot's OpenAPI schemas", async () => {
    const { conversation } = fake.customerWrites('hello');
    const cw = client(bot.accessToken);
    await cw.toggleTyping(conversation.displayId, true);
    await cw.createMessage(conversation.displayId, { content: 'hi', echoId: 'e1', idempotencyKey: 'atrium:reply:x' });
    await cw.getConversation(conversation.displayId);
    await cw.assignAgent(conversation.displayId, fake.agent.id);
    const checked = fake.requests.filter((r) => r.bodyCheck);
    expect(checked.length).toBeGreaterThanOrEqual(3);
    expect(checked.filter((r) => !r.bodyCheck!.ok)).toEqual([]);
  });

  it('maps Chatwoot refusals to stable codes', async () => {
    const cw = client(bot.accessToken);
    const forbidden = await rejection(cw.listAgents());
    expect(forbidden).toMatchObject({
      code: 'UPSTREAM_UNAUTHORIZED',
      upstreamStatus: 401,
      upstreamMessage: 'Access to this endpoint is not authorized for bots',
    });
    expect(await rejection(cw.getConversation(9999))).toMatchObject({ code: 'UPSTREAM_NOT_FOUND', upstreamStatus: 404 });
    const { conversation } = fake.customerWrites('x');
    const invalid = await rejection(cw.createMessage(conversation.displayId, { content: 'x', interactive: { type: 'input_select', items: [] } }));
    expect(invalid).toMatchObject({ code: 'UPSTREAM_REJECTED', upstreamStatus: 422 });
    expect(await rejection(client('wrong-token').getConversation(conversation.displayId))).toMatchObject({ code: 'UPSTREAM_UNAUTHORIZED' });
  });
});

describe('ChatwootClient retries', () => {
  it('waits exactly Retry-After on 429 and then succeeds', async () => {
    const { conversation } = fake.customerWrites('x');
    fake.faults.failNext({ kind: 'rate-limit', retryAfterSeconds: 2 });
    expect(await client(bot.accessToken).toggleStatus(conversation.displayId, 'open')).toBe('open');
    expect(sleeps).toEqual([2_000]);
  });

  it('backs off exponentially on 5xx for idempotent calls and gives up after the attempt budget', async () => {
    const { conversation } = fake.customerWrites('x');
    for (let i = 0; i < 4; i++) fake.faults.failNext({ kind: 'error', status: 503 });
    const error = await rejection(client(bot.accessToken).getLabels(conversation.displayId));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 503 });
    expect(sleeps).toEqual([150, 300, 600]); // equal jitter at random()=0.5 over 200·2^n
  });

  it('returns a rate limit longer than it is willing to wait to the caller, with the delay', async () => {
    const { conversation } = fake.customerWrites('x');
    fake.faults.failNext({ kind: 'rate-limit', retryAfterSeconds: 60 });
    expect(await rejection(client(bot.accessToken).getConversation(conversation.displayId))).toMatchObject({
      code: 'UPSTREAM_RATE_LIMITED',
      retryAfterMs: 60_000,
    });
    expect(sleeps).toEqual([]);
  });

  it('never posts a reply twice when Chatwoot fails after storing it', async () => {
    const { conversation, message } = fake.customerWrites('x');
    fake.faults.failNext({ kind: 'error', status: 502, afterCommit: true });
    const key = replyIdempotencyKey({ integrationId: 'i1', conversationId: conversation.displayId, inboundMessageId: message.id });
    const posted = await client(bot.accessToken).createMessage(conversation.displayId, { content: 'answer', idempotencyKey: key });
    expect(posted.source_id).toBe(key);
    expect(fake.messagesOf(conversation).filter((m) => m.content === 'answer')).toHaveLength(1);
  });

  it('re-posts a reply when the failed attempt never reached Chatwoot', async () => {
    const { conversation } = fake.customerWrites('x');
    fake.faults.failNext({ kind: 'error', status: 503 });
    await client(bot.accessToken).createMessage(conversation.displayId, { content: 'answer', idempotencyKey: 'atrium:reply:k' });
    expect(fake.messagesOf(conversation).filter((m) => m.content === 'answer')).toHaveLength(1);
  });

  it('does not retry a post without an idempotency key after an ambiguous failure', async () => {
    const { conversation } = fake.customerWrites('x');
    fake.faults.failNext({ kind: 'error', status: 500, afterCommit: true });
    expect(await rejection(client(bot.accessToken).createMessage(conversation.displayId, { content: 'note', private: true }))).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(fake.messagesOf(conversation).filter((m) => m.content === 'note')).toHaveLength(1);
  });

  it('never posts a reply twice when the timed-out post lands on Chatwoot only later', async () => {
    const { conversation, message } = fake.customerWrites('x');
    let posts = 0;
    // the first post is given up on after 20 ms, but it still reaches Chatwoot and is stored at ~100 ms
    const slowFirstPost: typeof fetch = (input, init) => {
      if (init?.method !== 'POST' || ++posts > 1) return fetch(input, init);
      setTimeout(() => void fetch(input, { ...init, signal: undefined }).catch(() => undefined), 100);
      return new Promise((_, reject) => setTimeout(() => reject(new DOMException('timed out', 'TimeoutError')), 20));
    };
    const key = replyIdempotencyKey({ integrationId: 'i1', conversationId: conversation.displayId, inboundMessageId: message.id });
    const posted = await client(bot.accessToken, {
      fetch: slowFirstPost,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      retry: { baseDelayMs: 300 },
    }).createMessage(conversation.displayId, { content: 'late answer', idempotencyKey: key });
    expect(posted.source_id).toBe(key);
    expect(posts).toBe(1);
    expect(fake.messagesOf(conversation).filter((m) => m.content === 'late answer')).toHaveLength(1);
  });

  it('asks again instead of posting twice when the check whether a failed post landed fails too', async () => {
    const { conversation, message } = fake.customerWrites('x');
    // the post is stored but answered 502; then the look-up of the conversation fails 3 times: all of its own retries
    const unavailable = { kind: 'error', status: 503 } as const;
    fake.faults.failNext({ kind: 'error', status: 502, afterCommit: true }, unavailable, unavailable, unavailable);
    const key = replyIdempotencyKey({ integrationId: 'i1', conversationId: conversation.displayId, inboundMessageId: message.id });
    const posted = await client(bot.accessToken, { retry: { attempts: 3 } }).createMessage(conversation.displayId, {
      content: 'checked answer',
      idempotencyKey: key,
    });
    expect(posted.source_id).toBe(key);
    expect(fake.messagesOf(conversation).filter((m) => m.content === 'checked answer')).toHaveLength(1);
  });

  it('times out a slow Chatwoot per attempt', async () => {
    const { conversation } = fake.customerWrites('x');
    fake.faults.configure({ latencyMs: 300 });
    const error = await rejection(client(bot.accessToken, { timeoutMs: 50, retry: { attempts: 1 } }).getConversation(conversation.displayId));
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
  });
});

describe('ChatwootClient with an administrator token', () => {
  it('creates the agent bot, reads its token and secret, and attaches it to an inbox', async () => {
    const cw = client(fake.admin.accessToken);
    const created = await cw.createAgentBot({ name: 'Atrium', outgoingUrl: 'https://atrium.example/v1/integrations/chatwoot/x/events' });
    expect(created.access_token).toBeTruthy();
    expect(created.secret).toHaveLength(24);
    await cw.setInboxAgentBot(fake.inbox.id, created.id);
    expect(fake.state.activeInboxBot(fake.inbox.id)?.id).toBe(created.id);
    await cw.setInboxAgentBot(fake.inbox.id, null);
    expect(fake.state.activeInboxBot(fake.inbox.id)).toBeUndefined();
  });

  it('provisions, updates and removes agents', async () => {
    const cw = client(fake.admin.accessToken);
    const agent = await cw.createAgent({ name: 'Kim Lee', email: 'kim@acme.test', role: 'agent' });
    expect((await cw.listAgents()).map((a) => a.email)).toContain('kim@acme.test');
    expect((await cw.updateAgent(agent.id, { name: 'Kim Park', role: 'agent' })).name).toBe('Kim Park');
    await cw.deleteAgent(agent.id);
    expect((await cw.listAgents()).map((a) => a.email)).not.toContain('kim@acme.test');
    expect(await rejection(cw.createAgent({ name: 'Sam', email: 'sam@acme.test', role: 'agent' }))).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      upstreamStatus: 422,
    });
  });

  it('registers an account webhook and a dashboard app', async () => {
    const cw = client(fake.admin.accessToken);
    const hook = await cw.createWebhook({ url: 'https://atrium.example/events', subscriptions: ['conversation_created', 'message_created'] });
    expect(hook.secret).toBeTruthy();
    expect((await cw.listWebhooks()).map((w) => w.id)).toEqual([hook.id]);
    const app = await cw.createDashboardApp({ title: 'Atrium', url: 'https://atrium.example/chatwoot/panel' });
    expect((await cw.listDashboardApps()).map((a) => a.id)).toEqual([app.id]);
    expect((await cw.getProfile()).accounts[0]).toMatchObject({ id: fake.account.id, role: 'administrator' });
  });
});
