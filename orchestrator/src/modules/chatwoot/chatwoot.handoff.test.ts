import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildApiKey } from '../../../../test/factories';
import { startChatwootHarness, type ChatwootHarness } from '../../../../test/fakes/chatwoot/harness';
import type { Conversation } from '../../../../test/fakes/chatwoot';

/** Each handoff rule (issue 6): note, labels, custom attribute, pending→open, ownership, and the panel. */
let h: ChatwootHarness;
beforeAll(async () => {
  h = await startChatwootHarness();
});
afterAll(async () => h?.close());

async function handedOff(text: string): Promise<Conversation> {
  const { conversation } = h.fake.customerWrites(text);
  await h.waitFor(() => conversation.status === 'open', `the handoff of "${text}"`);
  return conversation;
}

describe('Chatwoot handoff', () => {
  it.each([
    ['customer_request', 'Can I talk to a real person please?', 'The customer asked for a person.'],
    ['topic_policy', 'I want to cancel my contract', 'topic policy'],
    ['no_answer', 'What is the airspeed of an unladen swallow?', 'no good enough answer'],
    ['tool_approval', 'Please wire 500 EUR to my landlord', 'needs approval'],
    ['pipeline_failure', 'crash the pipeline now', 'failed to produce an answer'],
  ])('hands off for %s: private note, label, custom attribute, open', async (reason, text, noteText) => {
    const conversation = await handedOff(text);
    expect(conversation.customAttributes).toEqual({ atrium_handoff_reason: reason });
    expect(conversation.labels).toEqual(['atrium-handoff']);
    expect(conversation.assigneeBotId).toBeNull();
    const [note] = h.privateNotes(conversation);
    expect(note!.content).toContain(noteText);
    expect(note!.content).toContain(`**Summary:**`);
    expect(h.botReplies(conversation).map((m) => m.content)).toEqual([expect.stringContaining('member of our team')]);
  });

  it('records the handoff in the audit log and the timeline, and keeps the bot silent afterwards', async () => {
    const conversation = await handedOff('I need a human');
    const calls = h.engine.calls.length;
    h.fake.customerWrites('Hello? Anyone?', { conversation });
    await h.quiesce(600);
    expect(h.engine.calls.length).toBe(calls);
    expect(h.botReplies(conversation)).toHaveLength(1);
    const audit = await h.atrium.database.asSuperuser<{ data: { chatwoot_conversation_id: number; reason: string } }>(
      `SELECT data FROM audit_log WHERE tenant_id = $1 AND action = 'conversation.handed_off'`,
      [h.tenant.id],
    );
    expect(audit.rows.map((r) => r.data)).toContainEqual(
      expect.objectContaining({ chatwoot_conversation_id: conversation.displayId, reason: 'customer_request' }),
    );
    await h.waitFor(async () => {
      const mirror = await h.atrium.database.asSuperuser<{ status: string; owner: string }>(
        `SELECT status, owner FROM conversations WHERE tenant_id = $1 AND external_id = $2`,
        [h.tenant.id, `${h.integrationId}:${conversation.displayId}`],
      );
      return mirror.rows[0]?.status === 'escalated' && mirror.rows[0].owner === 'human';
    }, 'the Atrium conversation to show escalated, owned by humans');
  });

  it('serves the Dashboard App panel: reason, summary, what was tried, suggested reply', async () => {
    const conversation = await handedOff('Please wire 20 EUR to Bob');
    const { key } = await buildApiKey(h.atrium.services, h.tenant, { scopes: ['agent'] });
    const path = `/v1/integrations/chatwoot/${h.integrationId}/conversations/${conversation.displayId}/panel`;
    // The mirror learns the status from Chatwoot's conversation_status_changed webhook, a job of its own that can
    // still be running when Chatwoot already shows the conversation open.
    const r = await h.waitFor(async () => {
      const panel = await h.atrium.http.get(path).set(bearer(key));
      return panel.status !== 200 || panel.body.conversation?.status === 'open' ? panel : undefined;
    }, 'the panel to show the conversation open');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      conversation: { chatwoot_id: conversation.displayId, status: 'open', owner: 'human' },
      handoff: { reason: 'tool_approval', detail: 'bank_transfer', summary: 'Please wire 20 EUR to Bob' },
      suggested_replies: ['I have prepared the transfer for approval.'],
      pending_approvals: [],
    });
  });

  it('shows the citations the bot used in the panel, and an empty panel for a conversation it never saw', async () => {
    const { conversation } = h.fake.customerWrites('refund?');
    const path = `/v1/integrations/chatwoot/${h.integrationId}/conversations/${conversation.displayId}/panel`;
    const panel = await h.waitFor(async () => {
      const r = await h.atrium.http.get(path).set(bearer(h.adminKey));
      return r.body.recent_bot_replies?.length ? r : undefined;
    }, 'the answer in the panel');
    expect(panel.body.citations).toEqual([expect.objectContaining({ title: 'Refund policy', url: 'https://help.example.com/refunds' })]);
    expect(panel.body.recent_bot_replies[0].content).toContain('Refunds are issued');
    const unseen = await h.atrium.http.get(`/v1/integrations/chatwoot/${h.integrationId}/conversations/99999/panel`).set(bearer(h.adminKey));
    expect(unseen.body).toMatchObject({ conversation: { atrium_id: null }, handoff: null });
  });

  it('guards the panel: 401 without a credential, 403 for a role without access, 400 for a bad id', async () => {
    const path = `/v1/integrations/chatwoot/${h.integrationId}/conversations/12/panel`;
    expect((await h.atrium.http.get(path)).status).toBe(401);
    const { key } = await buildApiKey(h.atrium.services, h.tenant, { scopes: ['viewer'] });
    expect((await h.atrium.http.get(path).set(bearer(key))).status).toBe(403);
    expect((await h.atrium.http.get(`/v1/integrations/chatwoot/not-a-uuid/conversations/12/panel`).set(bearer(h.adminKey))).status).toBe(400);
  });
});
