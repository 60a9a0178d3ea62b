import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { startChatwootHarness, type ChatwootHarness } from '../../../../test/fakes/chatwoot/harness';
import type { DeliveryTarget } from '../../../../test/fakes/chatwoot';

/** Inbound deliveries: signature, timestamp, replay, and tenant isolation of integration ids. */
let h: ChatwootHarness;
let target: DeliveryTarget;
beforeAll(async () => {
  h = await startChatwootHarness();
  target = h.fake.botTarget(h.bot);
});
afterAll(async () => h?.close());

const deliveriesOf = async (tenantId: string) =>
  (
    await h.atrium.database.asSuperuser<{ delivery_id: string; status: string }>(`SELECT delivery_id, status FROM webhook_deliveries WHERE tenant_id = $1`, [
      tenantId,
    ])
  ).rows;

/** A customer message Chatwoot has stored but not yet delivered: the test delivers it by hand. */
function undeliveredCustomerMessage(text: string) {
  h.fake.pauseDeliveries(true);
  try {
    return h.fake.customerWrites(text);
  } finally {
    h.fake.pauseDeliveries(false);
  }
}

describe('Chatwoot inbound deliveries', () => {
  it('rejects a wrong, missing or malformed signature with 401 and records and enqueues nothing', async () => {
    const { conversation, message } = undeliveredCustomerMessage('hello, is anybody there?');
    const before = (await deliveriesOf(h.tenant.id)).length;
    for (const signature of ['wrong-secret', 'missing', 'malformed'] as const) {
      const record = await h.fake.deliverMessage(message, target, { signature });
      expect(record.attempts.at(-1)!.status, signature).toBe(401);
    }
    await h.quiesce();
    expect(await deliveriesOf(h.tenant.id)).toHaveLength(before);
    expect(h.botReplies(conversation)).toHaveLength(0);
  });

  it('rejects a correctly signed but stale delivery (replayed later) with 401', async () => {
    const { conversation, message } = undeliveredCustomerMessage('hello again');
    const record = await h.fake.deliverMessage(message, target, { timestampOffsetSeconds: -3600 });
    expect(record.attempts.at(-1)!.status).toBe(401);
    await h.quiesce();
    expect(h.botReplies(conversation)).toHaveLength(0);
  });

  it('acknowledges a valid delivery at once and answers it; a replayed delivery id gets no second reply', async () => {
    const { conversation, message } = undeliveredCustomerMessage('hello there');
    const first = await h.fake.deliverMessage(message, target);
    expect(first.attempts.at(-1)!.status).toBe(200);
    await h.waitFor(() => h.botReplies(conversation).length === 1, 'the reply');
    const replay = await h.fake.deliverMessage(message, target, { deliveryId: first.deliveryId });
    expect(replay.attempts.at(-1)!.status).toBe(200);
    // the same message under a new delivery id (e.g. also sent to the account webhook) is deduplicated too
    await h.fake.deliverMessage(message, target);
    await h.quiesce(600);
    expect(h.botReplies(conversation)).toHaveLength(1);
    const rows = (await deliveriesOf(h.tenant.id)).filter((d) => d.delivery_id === first.deliveryId);
    expect(rows).toHaveLength(1);
  });

  it('acknowledges simultaneous deliveries (recorded together) and records a delivery id sent twice at once only once', async () => {
    const burst = Array.from({ length: 6 }, (_, i) => undeliveredCustomerMessage(`hello burst ${i}`));
    const twice = randomUUID();
    const records = await Promise.all([
      ...burst.map(({ message }) => h.fake.deliverMessage(message, target)),
      h.fake.deliverMessage(burst[0]!.message, target, { deliveryId: twice }),
      h.fake.deliverMessage(burst[0]!.message, target, { deliveryId: twice }),
    ]);
    expect(records.map((r) => r.attempts.at(-1)!.status)).toEqual(records.map(() => 200));
    expect((await deliveriesOf(h.tenant.id)).filter((d) => d.delivery_id === twice)).toHaveLength(1);
    for (const { conversation } of burst) await h.waitFor(() => h.botReplies(conversation).length === 1, 'a reply in every conversation');
    await h.quiesce(600);
    expect(burst.map(({ conversation }) => h.botReplies(conversation).length)).toEqual(burst.map(() => 1));
  });

  it('answers 404 for an unknown integration id and 415 for a non-JSON body', async () => {
    const unknown = await h.atrium.http.post('/v1/integrations/chatwoot/00000000-0000-4000-8000-000000000000/events').send({ event: 'message_created' });
    expect(unknown.status).toBe(404);
    const text = await h.atrium.http.post(`/v1/integrations/chatwoot/${h.integrationId}/events`).set('content-type', 'text/plain').send('hi');
    expect(text.status).toBe(415);
  });

  it("never lets one tenant's integration id or secret inject into another tenant", async () => {
    const other = await buildTenant(h.atrium.services);
    const { key } = await buildApiKey(h.atrium.services, other, { scopes: ['tenant_admin'] });
    const otherBot = h.fake.connectBot('', { inboxIds: [] });
    const connected = await h.atrium.http.post('/v1/integrations/chatwoot').set(bearer(key)).send({
      base_url: h.fake.url,
      account_id: h.fake.account.id,
      bot_token: otherBot.accessToken,
      bot_secret: otherBot.secret,
    });
    expect(connected.status).toBe(201);
    const { message } = undeliveredCustomerMessage('hello from tenant A');
    // A's correctly signed delivery posted to B's endpoint, and B's signature on A's endpoint: both refused
    const toB = await h.fake.deliverMessage(message, { ...target, url: connected.body.webhook_url });
    expect(toB.attempts.at(-1)!.status).toBe(401);
    const bSignedToA = await h.fake.deliverMessage(message, { ...target, secret: otherBot.secret });
    expect(bSignedToA.attempts.at(-1)!.status).toBe(401);
    expect(await deliveriesOf(other.id)).toHaveLength(0);
    // B's key cannot see or use A's integration
    expect((await h.atrium.http.get(`/v1/integrations/chatwoot/${h.integrationId}`).set(bearer(key))).status).toBe(404);
    expect((await h.atrium.http.get(`/v1/integrations/chatwoot/${h.integrationId}/conversations/12/panel`).set(bearer(key))).status).toBe(404);
    expect((await h.atrium.http.delete(`/v1/integrations/chatwoot/${h.integrationId}`).set(bearer(key))).status).toBe(404);
  });

  it('accepts unsigned deliveries only when the integration allows a legacy Chatwoot', async () => {
    const legacyBot = h.fake.connectBot('', { secret: null, inboxIds: [] });
    const refused = await h.atrium.http.post('/v1/integrations/chatwoot').set(bearer(h.adminKey)).send({
      base_url: h.fake.url,
      account_id: h.fake.account.id,
      bot_token: legacyBot.accessToken,
    });
    expect(refused.status).toBe(400);
    const legacy = await h.atrium.http.post('/v1/integrations/chatwoot').set(bearer(h.adminKey)).send({
      base_url: h.fake.url,
      account_id: h.fake.account.id,
      bot_token: legacyBot.accessToken,
      allow_unsigned: true,
    });
    expect(legacy.status).toBe(201);
    const { message } = undeliveredCustomerMessage('hello legacy');
    const unsigned = await h.fake.deliverMessage(message, { kind: 'agent_bot', url: legacy.body.webhook_url, secret: null, ownerId: legacyBot.id });
    expect(unsigned.attempts.at(-1)!.status).toBe(200);
    const signedToStrict = await h.fake.deliverMessage(message, { ...target, secret: null });
    expect(signedToStrict.attempts.at(-1)!.status).toBe(401);
  });
});
