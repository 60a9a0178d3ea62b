import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { startChatwootHarness, type ChatwootHarness } from '../../../../test/fakes/chatwoot/harness';

/** Integration setup through Chatwoot's API, its guards, disconnecting, and agents provisioned from Keycloak. */
let h: ChatwootHarness;
beforeAll(async () => {
  h = await startChatwootHarness({ connect: { provision_agents: true } });
});
afterAll(async () => h?.close());

const connect = (body: Record<string, unknown>, key = h.adminKey) => h.atrium.http.post('/v1/integrations/chatwoot').set(bearer(key)).send(body);

describe('connecting Chatwoot', () => {
  it('creates the agent bot pointing at the events URL, attaches it, and registers the sync webhook and Dashboard App', async () => {
    const webhookUrl = `${h.atriumUrl}/v1/integrations/chatwoot/${h.integrationId}/events`;
    expect(h.bot.outgoingUrl).toBe(webhookUrl);
    expect(h.fake.state.activeInboxBot(h.fake.inbox.id)?.id).toBe(h.bot.id);
    const [hook] = [...h.fake.state.webhooks.values()];
    expect(hook).toMatchObject({
      url: webhookUrl,
      subscriptions: expect.arrayContaining(['conversation_created', 'message_created', 'conversation_status_changed']),
    });
    const [app] = [...h.fake.state.dashboardApps.values()];
    expect(app!.content[0]!.url).toContain(`integration=${h.integrationId}`);
    const audit = await h.atrium.database.asSuperuser(`SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action = 'integration.created'`, [h.tenant.id]);
    expect(audit.rowCount).toBe(1);
  });

  it('never returns tokens or secrets', async () => {
    const r = await h.atrium.http.get(`/v1/integrations/chatwoot/${h.integrationId}`).set(bearer(h.adminKey));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: h.integrationId, account_id: h.fake.account.id, agent_bot_id: h.bot.id, account_webhook: true });
    const raw = JSON.stringify(r.body);
    for (const secret of [h.bot.accessToken, h.bot.secret, h.fake.admin.accessToken]) expect(raw).not.toContain(secret);
    const stored = await h.atrium.database.asSuperuser<{ secrets_sealed: string; config: unknown }>(
      `SELECT secrets_sealed, config FROM integrations WHERE id = $1`,
      [h.integrationId],
    );
    expect(JSON.stringify(stored.rows[0])).not.toContain(h.bot.accessToken);
  });

  it("lists the tenant's accounts to any reader of conversations (the console's Inbox), without secrets, and none of another tenant's", async () => {
    const { key } = await buildApiKey(h.atrium.services, h.tenant, { scopes: ['agent'] });
    const r = await h.atrium.http.get('/v1/integrations/chatwoot').set(bearer(key));
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([
      {
        id: h.integrationId,
        name: 'Chatwoot',
        status: 'active',
        base_url: h.fake.url,
        account_id: h.fake.account.id,
        inbox_ids: [h.fake.inbox.id],
        abilities: [],
      },
    ]);
    const other = await buildTenant(h.atrium.services);
    const elsewhere = await buildApiKey(h.atrium.services, other, { scopes: ['agent'] });
    expect((await h.atrium.http.get('/v1/integrations/chatwoot').set(bearer(elsewhere.key))).body).toEqual({ items: [] });
    const { key: noRole } = await buildApiKey(h.atrium.services, h.tenant, { scopes: ['chat:create'] });
    expect((await h.atrium.http.get('/v1/integrations/chatwoot').set(bearer(noRole))).status).toBe(403);
    expect((await h.atrium.http.get('/v1/integrations/chatwoot')).status).toBe(401);
  });

  it('refuses bad credentials with a clear 400 and writes nothing', async () => {
    const before = (await h.atrium.database.asSuperuser(`SELECT 1 FROM integrations WHERE tenant_id = $1`, [h.tenant.id])).rowCount;
    const badToken = await connect({ base_url: h.fake.url, account_id: 1, admin_token: 'not-a-real-token' });
    expect(badToken.status).toBe(400);
    expect(badToken.body.error.message).toContain('Invalid Access Token');
    const notAdmin = await connect({ base_url: h.fake.url, account_id: 1, admin_token: h.fake.agent.accessToken });
    expect(notAdmin.status).toBe(400);
    const noToken = await connect({ base_url: h.fake.url, account_id: 1 });
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.code).toBe('VALIDATION');
    expect((await h.atrium.database.asSuperuser(`SELECT 1 FROM integrations WHERE tenant_id = $1`, [h.tenant.id])).rowCount).toBe(before);
  });

  it('guards setup: 401 without a credential, 403 for an agent', async () => {
    expect((await h.atrium.http.post('/v1/integrations/chatwoot').send({})).status).toBe(401);
    const { key } = await buildApiKey(h.atrium.services, h.tenant, { scopes: ['agent'] });
    expect((await connect({ base_url: h.fake.url, account_id: 1, admin_token: h.fake.admin.accessToken }, key)).status).toBe(403);
  });

  it('disconnecting removes the bot and webhook Atrium created; its events URL then answers 404', async () => {
    const r = await connect({ base_url: h.fake.url, account_id: 1, admin_token: h.fake.admin.accessToken, inbox_ids: [], subscribe_account_webhook: true });
    expect(r.status).toBe(201);
    const botId = r.body.agent_bot_id as number;
    expect(h.fake.state.agentBots.has(botId)).toBe(true);
    const del = await h.atrium.http.delete(`/v1/integrations/chatwoot/${r.body.id}`).set(bearer(h.adminKey));
    expect(del.status).toBe(200);
    expect(del.body.chatwoot_cleanup).toEqual(['agent bot: removed', 'account webhook: removed']);
    expect(h.fake.state.agentBots.has(botId)).toBe(false);
    expect((await h.atrium.http.post(r.body.webhook_url.replace(h.atriumUrl, '')).send({ event: 'message_created' })).status).toBe(404);
  });
});

describe('agents from Keycloak', () => {
  async function member(email: string, roles: string[]) {
    const user = await h.atrium.database.asSuperuser<{ id: string }>(`INSERT INTO users (subject, email, name) VALUES ($1, $2, $3) RETURNING id`, [
      randomUUID(),
      email,
      email.split('@')[0],
    ]);
    await h.atrium.database.asSuperuser(`INSERT INTO memberships (tenant_id, user_id, roles) VALUES ($1, $2, $3)`, [h.tenant.id, user.rows[0]!.id, roles]);
    return user.rows[0]!.id;
  }
  const sync = () => h.atrium.http.post(`/v1/integrations/chatwoot/${h.integrationId}/agents/sync`).set(bearer(h.adminKey));
  const agentEmails = () => [...h.fake.state.users.values()].map((u) => u.email);

  it('provisions users with the agent role, removes them when the role goes, and never touches agents made in Chatwoot', async () => {
    const kim = await member('kim@acme.test', ['agent']);
    await member('vic@acme.test', ['viewer']);
    await member('sam@acme.test', ['agent']); // already a Chatwoot agent, created there by hand
    const first = await sync();
    expect(first.body).toEqual({ created: 1, removed: 0, unchanged: 1, failed: 0 });
    expect(agentEmails()).toEqual(expect.arrayContaining(['kim@acme.test', 'sam@acme.test']));
    expect(agentEmails()).not.toContain('vic@acme.test');
    expect((await sync()).body).toEqual({ created: 0, removed: 0, unchanged: 2, failed: 0 });

    await h.atrium.database.asSuperuser(`UPDATE memberships SET roles = '{viewer}' WHERE tenant_id = $1 AND user_id = $2`, [h.tenant.id, kim]);
    await h.atrium.database.asSuperuser(`DELETE FROM memberships WHERE tenant_id = $1 AND user_id IN (SELECT id FROM users WHERE email = 'sam@acme.test')`, [
      h.tenant.id,
    ]);
    expect((await sync()).body).toEqual({ created: 0, removed: 1, unchanged: 0, failed: 0 });
    expect(agentEmails()).not.toContain('kim@acme.test');
    expect(agentEmails()).toContain('sam@acme.test');
  });
});
