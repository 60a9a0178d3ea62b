import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submittedValues, type MessageEvent } from '@atrium/connectors/chatwoot';
import { startChatwootHarness, type ChatwootHarness } from '../../../../test/fakes/chatwoot/harness';
import { messageEventPayload } from '../../../../test/fakes/chatwoot/events';
import type { Conversation, Message } from '../../../../test/fakes/chatwoot';

/**
 * Widget quick replies and forms (README §2): Chatwoot reports a tap or a submitted form as `message_updated` of the
 * bot's own interactive message with `content_attributes.submitted_values`, delivered signed to the inbound route.
 */
let h: ChatwootHarness;
beforeAll(async () => {
  h = await startChatwootHarness();
});
afterAll(async () => h?.close());

/** A customer question the scripted engine answers with quick replies ("Start a refund", "Talk to a person"). */
async function answeredWithQuickReplies(): Promise<{ conversation: Conversation; reply: Message }> {
  const { conversation } = h.fake.customerWrites('How do I get a refund?');
  const [reply] = await h.waitFor(() => (h.botReplies(conversation).length ? h.botReplies(conversation) : undefined), 'the reply with quick replies');
  expect(reply!.contentType).toBe('input_select');
  await h.quiesce();
  return { conversation, reply: reply! };
}

const callsWith = (text: string) => h.engine.calls.filter((c) => c.customerMessages.includes(text));

describe('Chatwoot widget quick replies and forms', () => {
  it("answers a tapped quick reply as the customer's turn, once, however often Chatwoot repeats the update", async () => {
    const { conversation, reply } = await answeredWithQuickReplies();
    h.fake.customerSubmits(conversation, reply, [{ title: 'Start a refund', value: 'Start a refund' }]);
    await h.waitFor(() => h.botReplies(conversation).length === 2, 'the answer to the tap');
    expect(callsWith('Start a refund')).toHaveLength(1);

    // later updates of the same message (delivered, read, …) carry the submitted values again, under new delivery ids
    const again = await h.fake.send(h.fake.botTarget(h.bot), 'message_updated', messageEventPayload(h.fake.state, reply, 'message_updated'));
    expect(again.attempts.at(-1)!.status).toBe(200);
    await h.quiesce(600);
    expect(callsWith('Start a refund')).toHaveLength(1);
    expect(h.botReplies(conversation)).toHaveLength(2);
  });

  it('applies the same bot rules to a tap: "Talk to a person" hands the conversation to humans', async () => {
    const { conversation, reply } = await answeredWithQuickReplies();
    h.fake.customerSubmits(conversation, reply, [{ title: 'Talk to a person', value: 'Talk to a person' }]);
    await h.waitFor(() => conversation.status === 'open', 'the handoff');
    expect(conversation.customAttributes).toEqual({ atrium_handoff_reason: 'customer_request' });
    // after the first answer, only the handoff message to the customer: no answer to the tap itself
    expect(h.botReplies(conversation).map((m) => m.content)).toEqual([expect.stringContaining('Refunds'), expect.stringContaining('member of our team')]);
  });

  it('gives no reply to a tap in a conversation a human has taken', async () => {
    const { conversation, reply } = await answeredWithQuickReplies();
    h.fake.agentTakesOver(conversation);
    await h.quiesce();
    const calls = h.engine.calls.length;
    h.fake.customerSubmits(conversation, reply, [{ title: 'Start a refund', value: 'Start a refund' }]);
    await h.quiesce(600);
    expect(h.engine.calls.length).toBe(calls);
    expect(h.botReplies(conversation)).toHaveLength(1);
  });

  it('answers a submitted form with its labelled values', async () => {
    const { conversation } = await answeredWithQuickReplies();
    // the bot asks with a form through the messages API (bot token), as a Chatwoot bot would
    const res = await fetch(`${h.fake.url}/api/v1/accounts/${h.fake.account.id}/conversations/${conversation.displayId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: h.bot.accessToken },
      body: JSON.stringify({
        content: 'Which order?',
        message_type: 'outgoing',
        content_type: 'form',
        content_attributes: {
          items: [
            { name: 'order', label: 'Order number', type: 'text', placeholder: '1234' },
            { name: 'reason', label: 'Refund reason', type: 'text_area', placeholder: 'Why?' },
          ],
        },
      }),
    });
    expect(res.status).toBe(200);
    const form = h.fake.messagesOf(conversation).find((m) => m.contentType === 'form')!;
    await h.quiesce();
    h.fake.customerSubmits(conversation, form, [
      { name: 'order', value: '1234' },
      { name: 'reason', value: 'arrived broken, refund please' },
    ]);
    await h.waitFor(() => callsWith('Order number: 1234\nRefund reason: arrived broken, refund please').length === 1, 'the turn for the form');
    await h.waitFor(() => h.botReplies(conversation).length === 3, 'the answer to the form');
  });

  it('answers an email address entered into an input_email message, once', async () => {
    const { conversation } = await answeredWithQuickReplies();
    const res = await fetch(`${h.fake.url}/api/v1/accounts/${h.fake.account.id}/conversations/${conversation.displayId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', api_access_token: h.bot.accessToken },
      body: JSON.stringify({ content: 'Where can we reach you?', message_type: 'outgoing', content_type: 'input_email' }),
    });
    expect(res.status).toBe(200);
    const ask = h.fake.messagesOf(conversation).find((m) => m.contentType === 'input_email')!;
    await h.quiesce();
    h.fake.customerSubmitsEmail(conversation, ask, 'jane@example.com');
    await h.waitFor(() => callsWith('My email address is jane@example.com').length === 1, 'the turn for the email');
    await h.waitFor(() => h.botReplies(conversation).length === 3, 'the answer to the email');
    await h.fake.send(h.fake.botTarget(h.bot), 'message_updated', messageEventPayload(h.fake.state, ask, 'message_updated'));
    await h.quiesce(600);
    expect(callsWith('My email address is jane@example.com')).toHaveLength(1);
  });

  it("reads submitted values in both shapes: the contract's array and swagger's single object", () => {
    const base = { content_type: 'input_select', message_type: 'outgoing' } as const;
    const asArray = { ...base, content_attributes: { submitted_values: [{ title: 'Visa', value: 'visa' }] } } as unknown as MessageEvent;
    const asObject = { ...base, content_attributes: { submitted_values: { title: 'Visa', value: 'visa' } } } as unknown as MessageEvent;
    const none = { ...base, content_attributes: { items: [{ title: 'Visa', value: 'visa' }] } } as unknown as MessageEvent;
    expect(submittedValues(asArray)).toEqual([{ title: 'Visa', value: 'visa' }]);
    expect(submittedValues(asObject)).toEqual([{ title: 'Visa', value: 'visa' }]);
    expect(submittedValues(none)).toEqual([]);
  });
});
