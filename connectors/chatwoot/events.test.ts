import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTRACT_DIR } from '../../test/fakes/chatwoot/contract';
import { startFakeChatwoot, type FakeChatwoot } from '../../test/fakes/chatwoot/index';
import { startDeliveryReceiver, type DeliveryReceiver } from '../../test/fakes/chatwoot/receiver';
import { eventAccountId, messageAuthor, parseChatwootEvent, type MessageEvent } from './events';

const example = (name: string): unknown => JSON.parse(readFileSync(join(CONTRACT_DIR, 'derived-examples', name), 'utf8'));

describe('parseChatwootEvent on the contract examples', () => {
  it('parses every derived event example', () => {
    for (const name of [
      'agent_bot.message_created.incoming_widget.json',
      'agent_bot.conversation_updated.after_bot_handoff.json',
      'agent_bot.conversation_status_changed.after_bot_handoff.json',
      'agent_bot.webwidget_triggered.json',
    ]) {
      const parsed = parseChatwootEvent(example(name));
      expect(parsed, name).toMatchObject({ known: true });
      expect('invalid' in parsed, name).toBe(false);
    }
  });

  it('reads the incoming widget message as a customer message of a pending, bot-owned conversation', () => {
    const parsed = parseChatwootEvent(example('agent_bot.message_created.incoming_widget.json'));
    if (!parsed.known || 'invalid' in parsed || parsed.event.event !== 'message_created') throw new Error('unexpected parse');
    expect(messageAuthor(parsed.event)).toBe('customer');
    expect(parsed.event.conversation).toMatchObject({ id: 12, status: 'pending', meta: { assignee_type: 'AgentBot' } });
    expect(eventAccountId(parsed.event)).toBe(1);
  });

  it('treats an event it does not know as unknown instead of failing', () => {
    expect(parseChatwootEvent({ event: 'contact_merged', id: 1 })).toEqual({ known: false, name: 'contact_merged' });
  });

  it('reports a known event with a broken body as invalid, with the failing fields', () => {
    const parsed = parseChatwootEvent({ event: 'message_created', id: 'x' });
    expect(parsed).toMatchObject({ known: true, invalid: true, name: 'message_created' });
  });
});

describe('parseChatwootEvent on everything the fake emits', () => {
  let fake: FakeChatwoot;
  let receiver: DeliveryReceiver;
  beforeEach(async () => {
    fake = await startFakeChatwoot({ botRetryDelayMs: 5 });
    receiver = await startDeliveryReceiver();
  });
  afterEach(async () => {
    await fake.close();
    await receiver.close();
  });

  it('parses bot and account-webhook deliveries and tells customers, agents, notes and the bot apart', async () => {
    const bot = fake.connectBot(receiver.url);
    fake.state.webhooks.set(1, {
      id: 1,
      accountId: 1,
      name: 'all',
      url: receiver.url,
      subscriptions: ['conversation_created', 'conversation_typing_on'],
      secret: 's',
      inboxId: null,
    });
    const { conversation } = fake.customerWrites('hello');
    await fetch(`${fake.url}/api/v1/accounts/1/conversations/${conversation.displayId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: bot.accessToken },
      body: JSON.stringify({ content: 'bot reply' }),
    });
    await fetch(`${fake.url}/api/v1/accounts/1/conversations/${conversation.displayId}/toggle_typing_status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: bot.accessToken },
      body: JSON.stringify({ typing_status: 'on' }),
    });
    fake.agentWrites(conversation, 'note', { private: true });
    fake.agentTakesOver(conversation);
    fake.agentWrites(conversation, 'agent reply');
    fake.setStatus(conversation, 'resolved');
    await fake.widgetOpened(fake.addContact());
    await fake.settle();
    const parsed = receiver.received.map((d) => parseChatwootEvent(d.body));
    expect(parsed.filter((p) => !p.known || 'invalid' in p)).toEqual([]);
    const authors = parsed.flatMap((p) =>
      p.known && !('invalid' in p) && p.event.event === 'message_created' ? [messageAuthor(p.event as MessageEvent)] : [],
    );
    expect(authors).toEqual(['customer', 'bot', 'private_note', 'agent']);
    const names = new Set(parsed.map((p) => (p.known && !('invalid' in p) ? p.event.event : '')));
    for (const e of [
      'conversation_created',
      'conversation_typing_on',
      'conversation_opened',
      'conversation_resolved',
      'conversation_status_changed',
      'conversation_updated',
      'webwidget_triggered',
    ]) {
      expect(names, e).toContain(e);
    }
  });
});
