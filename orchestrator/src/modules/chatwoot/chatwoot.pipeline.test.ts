import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../../test/factories';
import { startChatwootHarness, type ChatwootHarness } from '../../../../test/fakes/chatwoot/harness';

/**
 * The bridge on the real chat pipeline (offline extractive answerer: no model, no network): a Chatwoot customer
 * gets a cited answer from the tenant's knowledge, and a request for a person in another language is handed off.
 */
let h: ChatwootHarness;
beforeAll(async () => {
  h = await startChatwootHarness({ engine: 'pipeline' });
  const doc = await h.atrium.http.post('/v1/knowledge/documents').set(bearer(h.adminKey)).send({
    title: 'Returns and refunds',
    url: 'https://help.example.com/refunds',
    text: 'Refund policy. You can return any product within 30 days of delivery for a full refund. Refunds are paid to the original payment method within 5 business days.',
  });
  expect(doc.status).toBe(202);
  await h.waitFor(
    async () => {
      const r = await h.atrium.http.get(`/v1/knowledge/documents/${doc.body.id}`).set(bearer(h.adminKey));
      return r.body.status === 'indexed';
    },
    'the document to be indexed',
    30_000,
  );
});
afterAll(async () => h?.close());

describe('Chatwoot bot on the chat pipeline', () => {
  it("answers from the tenant's knowledge with the source as a link, storing the turn once", async () => {
    const { conversation } = h.fake.customerWrites('How many days do I have to return a product for a refund?');
    const [reply] = await h.waitFor(() => (h.botReplies(conversation).length ? h.botReplies(conversation) : undefined), 'the answer', 20_000);
    expect(reply!.content).toMatch(/30 days/);
    expect(reply!.content).toContain('(https://help.example.com/refunds)');
    const stored = await h.atrium.database.asSuperuser<{ role: string }>(
      `SELECT m.role FROM messages m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
        WHERE c.tenant_id = $1 AND c.external_id = $2 ORDER BY m.created_at`,
      [h.tenant.id, `${h.integrationId}:${conversation.displayId}`],
    );
    expect(stored.rows.map((r) => r.role)).toEqual(['user', 'assistant']);
  });

  it('hands a German request for a person to humans with the reason set in Chatwoot', async () => {
    const { conversation } = h.fake.customerWrites('Ich möchte bitte mit einem Menschen sprechen.');
    await h.waitFor(() => conversation.status === 'open', 'the handoff', 20_000);
    expect(conversation.customAttributes).toEqual({ atrium_handoff_reason: 'customer_request' });
    expect(conversation.labels).toContain('atrium-handoff');
    expect(h.privateNotes(conversation)[0]!.content).toContain('The customer asked for a person.');
  });
});
