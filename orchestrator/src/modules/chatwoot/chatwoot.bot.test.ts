import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyIdempotencyKey } from '@atrium/connectors/chatwoot';
import { startChatwootHarness, type ChatwootHarness } from '../../../../test/fakes/chatwoot/harness';

/** The bot's rules (issue 6, README §3), end to end: fake Chatwoot → signed delivery → Atrium → Chatwoot API. */
let h: ChatwootHarness;
beforeAll(async () => {
  h = await startChatwootHarness();
});
afterAll(async () => h?.close());

describe('Chatwoot bot replies', () => {
  it('answers a customer message in a pending bot conversation with cited links and quick replies', async () => {
    const { conversation } = h.fake.customerWrites('How do I get a refund?');
    const [reply] = await h.waitFor(() => (h.botReplies(conversation).length ? h.botReplies(conversation) : undefined), 'the bot reply');
    expect(reply!.content).toContain('Refunds are issued within 14 days');
    expect(reply!.content).toContain('Sources:\n1. [Refund policy](https://help.example.com/refunds)');
    expect(reply).toMatchObject({
      contentType: 'input_select',
      contentAttributes: {
        items: [
          { title: 'Start a refund', value: 'Start a refund' },
          { title: 'Talk to a person', value: 'Talk to a person' },
        ],
      },
    });
    expect(conversation.status).toBe('pending');
  });

  it('mirrors the conversation and both messages into Atrium and the activity timeline', async () => {
    const { conversation } = h.fake.customerWrites('hello there');
    await h.waitFor(() => h.botReplies(conversation).length, 'the bot reply');
    const mirrored = await h.waitFor(async () => {
      const r = await h.atrium.database.asSuperuser<{ role: string; content: string }>(
        `SELECT m.role, m.content FROM messages m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
          WHERE c.tenant_id = $1 AND c.channel = 'chatwoot' AND c.external_id = $2 ORDER BY m.created_at`,
        [h.tenant.id, `${h.integrationId}:${conversation.displayId}`],
      );
      return r.rows.length === 2 && r.rows;
    }, 'the mirrored messages');
    expect(mirrored.map((m) => m.role)).toEqual(['user', 'assistant']);
    const activity = await h.atrium.database.asSuperuser<{ type: string }>(`SELECT type FROM activity WHERE tenant_id = $1`, [h.tenant.id]);
    expect(activity.rows.map((a) => a.type)).toEqual(expect.arrayContaining(['chatwoot.conversation_started', 'chatwoot.bot_replied']));
  });

  it("ignores its own messages, agents' replies and private notes", async () => {
    const { conversation } = h.fake.customerWrites('hello');
    await h.waitFor(() => h.botReplies(conversation).length === 1, 'the first reply');
    const calls = h.engine.calls.length;
    h.fake.agentWrites(conversation, 'Internal: this is a VIP', { private: true });
    await h.quiesce();
    expect(h.engine.calls.length).toBe(calls);
    expect(h.botReplies(conversation)).toHaveLength(1);
  });

  it('stays silent once a human agent has replied to the customer, even though Chatwoot keeps it pending', async () => {
    const { conversation } = h.fake.customerWrites('hello');
    await h.waitFor(() => h.botReplies(conversation).length === 1, 'the first reply');
    h.fake.agentWrites(conversation, 'Hi, Sam here, I will take this one.');
    await h.quiesce();
    h.fake.customerWrites('How do I get a refund?', { conversation });
    await h.quiesce(600);
    expect(conversation.status).toBe('pending');
    expect(h.botReplies(conversation)).toHaveLength(1);
  });

  it('gives no reply in a conversation a human has taken, and resumes only when it is pending again without a human', async () => {
    const { conversation } = h.fake.customerWrites('hello');
    await h.waitFor(() => h.botReplies(conversation).length === 1, 'the first reply');
    h.fake.agentTakesOver(conversation);
    await h.quiesce();
    h.fake.customerWrites('How do I get a refund?', { conversation });
    await h.quiesce(600);
    expect(h.botReplies(conversation)).toHaveLength(1);

    // resolved, then the customer writes again: Chatwoot makes it pending, but Sam is still assigned
    h.fake.setStatus(conversation, 'resolved');
    h.fake.customerWrites('One more question about refunds', { conversation });
    await h.quiesce(600);
    expect(conversation.status).toBe('pending');
    expect(h.botReplies(conversation)).toHaveLength(1);

    // Sam hands it back: opens it, unassigns himself, sets it pending → the bot owns it again
    h.fake.setStatus(conversation, 'open');
    h.fake.assign(conversation, null);
    h.fake.setStatus(conversation, 'pending');
    await h.quiesce();
    h.fake.customerWrites('How do I get a refund?', { conversation });
    await h.waitFor(() => h.botReplies(conversation).length === 2, 'the reply after resuming');
    const audit = await h.atrium.database.asSuperuser<{ action: string }>(
      `SELECT action FROM audit_log WHERE tenant_id = $1 AND action = 'conversation.resumed'`,
      [h.tenant.id],
    );
    expect(audit.rows.length).toBeGreaterThanOrEqual(1);
  });

  it('answers a burst of customer messages once, in order', async () => {
    let release!: () => void;
    h.engine.gate = new Promise<void>((resolve) => (release = resolve));
    try {
      const { conversation } = h.fake.customerWrites('hello, burst here');
      await h.waitFor(() => h.engine.calls.some((c) => c.customerMessages.includes('hello, burst here')), 'the first turn to start');
      h.fake.customerWrites('I also want a refund', { conversation });
      h.fake.customerWrites('for order 1234', { conversation });
      await h.waitFor(async () => {
        const r = await h.atrium.database.asSuperuser(
          `SELECT 1 FROM chatwoot_messages WHERE tenant_id = $1 AND chatwoot_conversation_id = $2 AND author = 'customer'`,
          [h.tenant.id, conversation.displayId],
        );
        return r.rowCount === 3;
      }, 'the burst to be mirrored');
      h.engine.gate = undefined;
      release();
      await h.waitFor(() => h.botReplies(conversation).length === 2, 'two replies');
      await h.quiesce(500);
      expect(h.botReplies(conversation)).toHaveLength(2);
      const second = h.engine.calls.find((c) => c.customerMessages.includes('for order 1234'))!;
      expect(second.customerMessages).toEqual(['I also want a refund', 'for order 1234']);
    } finally {
      h.engine.gate = undefined;
      release();
    }
  });

  it('keys the reply slot with the idempotency key the reply is posted under', async () => {
    const { conversation, message } = h.fake.customerWrites('Can I get a refund on my order?');
    const [reply] = await h.waitFor(() => (h.botReplies(conversation).length ? h.botReplies(conversation) : undefined), 'the bot reply');
    const key = replyIdempotencyKey({ integrationId: h.integrationId, conversationId: conversation.displayId, inboundMessageId: message.id });
    expect(reply!.sourceId).toBe(key);
    // (Chatwoot shows the reply before the turn's closing transaction has marked the slot posted)
    const slot = await h.waitFor(async () => {
      const r = await h.atrium.database.asSuperuser<{ idempotency_key: string; status: string; attempts: number }>(
        `SELECT idempotency_key, status, attempts FROM chatwoot_replies WHERE tenant_id = $1 AND integration_id = $2 AND inbound_message_id = $3`,
        [h.tenant.id, h.integrationId, message.id],
      );
      return r.rows[0]?.status === 'posted' && r.rows;
    }, 'the settled reply slot');
    expect(slot).toEqual([{ idempotency_key: key, status: 'posted', attempts: 1 }]);
  });

  it('never posts a reply twice when Chatwoot fails after storing it', async () => {
    h.fake.faults.failNextMatching(/^POST .*\/messages$/, { kind: 'error', status: 502, afterCommit: true });
    const { conversation } = h.fake.customerWrites('refund please');
    await h.waitFor(() => h.botReplies(conversation).length, 'the reply');
    await h.quiesce(600);
    expect(h.botReplies(conversation)).toHaveLength(1);
  });

  it('retries a rate-limited reply and still posts it once', async () => {
    h.fake.faults.failNextMatching(/^POST .*\/messages$/, { kind: 'rate-limit', retryAfterSeconds: 1 });
    const { conversation } = h.fake.customerWrites('refund please');
    await h.waitFor(() => h.botReplies(conversation).length, 'the reply', 15_000);
    await h.quiesce();
    expect(h.botReplies(conversation)).toHaveLength(1);
  });

  it('hands the conversation to humans when Chatwoot refuses the reply', async () => {
    h.fake.faults.failNextMatching(/^POST .*\/messages$/, { kind: 'error', status: 422 });
    const { conversation } = h.fake.customerWrites('refund please');
    await h.waitFor(() => conversation.status === 'open', 'the handoff');
    expect(conversation.customAttributes).toEqual({ atrium_handoff_reason: 'delivery_failure' });
    expect(h.privateNotes(conversation)[0]!.content).toContain('could not be delivered');
  });
});
