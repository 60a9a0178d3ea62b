import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../../../../test/factories';
import { startChatwootHarness, type ChatwootHarness } from '../../../../test/fakes/chatwoot/harness';
import { verifyAuditChain } from '../audit';

/**
 * A widget customer is known to Atrium only as a Chatwoot contact (no users row, no subject): a data-subject
 * request by their email must still find their conversations, erase them, and delete the contact in Chatwoot.
 */
describe('data-subject requests for a Chatwoot customer', () => {
  let h: ChatwootHarness;
  beforeAll(async () => {
    h = await startChatwootHarness();
  }, 60_000);
  afterAll(async () => h?.close());

  async function dsar(body: Record<string, unknown>) {
    const created = await h.atrium.http.post('/v1/admin/dsar').set(bearer(h.adminKey)).send(body);
    expect(created.status).toBe(202);
    return h.waitFor(async () => {
      const r = await h.atrium.http.get(`/v1/admin/dsar/${created.body.id}`).set(bearer(h.adminKey));
      return ['completed', 'failed'].includes(r.body.status) && r.body;
    }, `DSAR ${body.type}`);
  }

  async function everything(): Promise<string> {
    const tables = ['conversations', 'messages', 'webhook_deliveries', 'chatwoot_conversations', 'chatwoot_messages', 'activity', 'dsar_requests', 'audit_log'];
    const rows = await Promise.all(
      tables.map(async (t) => (await h.atrium.database.asSuperuser(`SELECT * FROM ${t} WHERE tenant_id = $1`, [h.tenant.id])).rows),
    );
    return JSON.stringify(rows);
  }

  it('exports, then erases the customer in Atrium and deletes their contact in Chatwoot; the other customer is untouched', async () => {
    const maria = h.fake.addContact({ name: 'Maria Lopez', email: 'maria.lopez@example.com' });
    const bob = h.fake.addContact({ name: 'Bob Stone', email: 'bob.stone@example.com' });
    const mine = h.fake.customerWrites('How do I get a refund for order MX-7731?', { contact: maria });
    const theirs = h.fake.customerWrites('I need a refund for order BS-1200', { contact: bob });
    for (const c of [mine.conversation, theirs.conversation]) await h.waitFor(() => h.botReplies(c).length, 'the bot reply');
    // a second conversation of hers goes to a human: the handoff note for the agent quotes her
    const handed = h.fake.customerWrites('Please wire the MX-7731 refund to my card', { contact: maria });
    await h.waitFor(() => handed.conversation.status === 'open', 'the handoff');
    await h.quiesce();
    const handoff = await h.atrium.database.asSuperuser(`SELECT 1 FROM chatwoot_conversations WHERE tenant_id = $1 AND handoff::text LIKE '%MX-7731%'`, [
      h.tenant.id,
    ]);
    expect(handoff.rowCount).toBe(1);

    const exported = await dsar({ type: 'export', email: 'Maria.Lopez@example.com' });
    expect(exported.error).toBeNull();
    const archive = (await h.atrium.http.get(`/v1/admin/dsar/${exported.id}/archive`).set(bearer(h.adminKey))).body;
    expect(archive.conversations).toHaveLength(2);
    expect(archive.messages.map((m: { content: string }) => m.content)).toContain('How do I get a refund for order MX-7731?');
    expect(JSON.stringify(archive)).not.toContain('BS-1200');

    const erased = await dsar({ type: 'delete', email: 'maria.lopez@example.com' });
    expect(erased.error).toBeNull();
    expect(erased.summary.chatwoot).toEqual({ deleted: 1, failed: 0 });
    expect(erased.summary.counts).toMatchObject({ conversations: 2, chatwoot_conversations: 2 });
    expect(h.fake.state.contacts.has(maria.id)).toBe(false);
    for (const c of [mine.conversation, handed.conversation]) expect(h.fake.state.conversations.has(c.dbId)).toBe(false);
    expect(h.fake.state.contacts.has(bob.id)).toBe(true);

    const left = await everything();
    for (const trace of ['Maria Lopez', 'maria.lopez@example.com', 'MX-7731']) expect(left).not.toContain(trace);
    for (const trace of ['Bob Stone', 'BS-1200']) expect(left).toContain(trace);
    expect((await verifyAuditChain(h.atrium.services.db, h.tenant.id)).ok).toBe(true);
  }, 60_000);

  it('reports contacts it could not delete instead of hiding them', async () => {
    const carl = h.fake.addContact({ name: 'Carl Dunn', email: 'carl.dunn@example.com' });
    const { conversation } = h.fake.customerWrites('hello, I am Carl', { contact: carl });
    await h.waitFor(() => h.botReplies(conversation).length, 'the bot reply');
    await h.quiesce();
    h.fake.state.contacts.delete(carl.id); // deleted in Chatwoot by hand meanwhile: counts as done, not as a failure
    const erased = await dsar({ type: 'delete', email: carl.email });
    expect(erased.summary.chatwoot).toEqual({ deleted: 1, failed: 0 });
    await h.atrium.services.db.withTenant(h.tenant.id, (tx) => tx.query(`UPDATE integrations SET status = 'disabled'`));
    const dana = h.fake.addContact({ name: 'Dana Fox', email: 'dana.fox@example.com' });
    await h.atrium.services.db.withTenant(h.tenant.id, (tx) =>
      tx.query(
        `INSERT INTO webhook_deliveries (tenant_id, source, delivery_id, integration_id, event, payload) VALUES ($1, 'chatwoot', 'manual-1', $2, 'contact_created', $3)`,
        [h.tenant.id, h.integrationId, JSON.stringify({ id: dana.id, email: dana.email, name: dana.name })],
      ),
    );
    const skipped = await dsar({ type: 'delete', email: dana.email });
    expect(skipped.status).toBe('completed');
    expect(skipped.summary.chatwoot).toMatchObject({ deleted: 0, failed: 0, skipped: expect.stringContaining(`contacts ${dana.id} left in Chatwoot`) });
    expect(h.fake.state.contacts.has(dana.id)).toBe(true);
  }, 60_000);
});
