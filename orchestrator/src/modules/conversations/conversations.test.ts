import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import type { TenantRef } from '../../platform/http/context';

let atrium: TestAtrium;
let tenant: TenantRef;
let admin: string;

beforeAll(async () => {
  // No model configured: turns use the offline answerer, which is all these tests need.
  atrium = await createTestAtrium({ worker: false });
  tenant = await buildTenant(atrium.services);
  admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
});
afterAll(() => atrium?.close());

const start = (apiKey: string, body: Record<string, unknown> = {}) => atrium.http.post('/v1/conversations').set(bearer(apiKey)).send(body);

describe('conversations API', () => {
  it('creates (201), lists newest first with a cursor, and reads one with its messages', async () => {
    const first = await start(admin, { title: 'First' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ title: 'First', channel: 'api', status: 'open', owner: 'bot', abilities: ['read', 'delete', 'escalate', 'reply'] });
    const second = await start(admin, { title: 'Second' });
    const turn = await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(admin))
      .send({ conversation_id: second.body.id, messages: [{ role: 'user', content: 'hello' }] });
    expect(turn.status).toBe(200);
    const page = await atrium.http.get('/v1/conversations').query({ limit: 1 }).set(bearer(admin));
    expect(page.body.items.map((c: { id: string }) => c.id)).toEqual([second.body.id]);
    const next = await atrium.http.get('/v1/conversations').query({ limit: 1, before: page.body.next_before }).set(bearer(admin));
    expect(next.body.items.map((c: { id: string }) => c.id)).toEqual([first.body.id]);
    const detail = await atrium.http.get(`/v1/conversations/${second.body.id}`).set(bearer(admin));
    expect(detail.body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'hello'],
      ['assistant', 'Hello! How can I help you today?'],
    ]);
  });

  it('shows end users only their own conversations, while staff see all', async () => {
    const widget = (await buildApiKey(atrium.services, tenant, { scopes: ['conversations:read', 'conversations:write', 'chat:create'] })).key;
    const mine = await start(widget, { user: 'customer-1' });
    await start(widget, { user: 'customer-2' });
    const listed = await atrium.http.get('/v1/conversations').query({ user: 'customer-1' }).set(bearer(widget));
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([mine.body.id]);
    expect((await atrium.http.get(`/v1/conversations/${mine.body.id}`).query({ user: 'customer-2' }).set(bearer(widget))).status).toBe(404);
    expect((await atrium.http.get(`/v1/conversations/${mine.body.id}`).set(bearer(admin))).status).toBe(200);
  });

  it('escalates once: status escalated, owner human, one audit row and a live event', async () => {
    const conversation = await start(admin);
    const events: string[] = [];
    const unsubscribe = atrium.services.bus.subscribe(tenant.id, (event) => events.push(event.type));
    const r = await atrium.http.post(`/v1/conversations/${conversation.body.id}/escalate`).set(bearer(admin)).send({ reason: 'billing dispute' });
    await atrium.http.post(`/v1/conversations/${conversation.body.id}/escalate`).set(bearer(admin)).send({});
    unsubscribe();
    expect(r.body).toMatchObject({ status: 'escalated', owner: 'human', abilities: ['read', 'delete'] });
    const audit = await atrium.database.asSuperuser(`SELECT data FROM audit_log WHERE action = 'conversation.escalated' AND resource_id = $1`, [
      conversation.body.id,
    ]);
    expect(audit.rows).toEqual([{ data: { reason: 'requested', channel: 'api' } }]);
    expect(events).toContain('conversation.escalated');
  });

  it('deletes a conversation with every message in it', async () => {
    const conversation = await start(admin);
    await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(admin))
      .send({ conversation_id: conversation.body.id, messages: [{ role: 'user', content: 'hello' }] });
    expect((await atrium.http.delete(`/v1/conversations/${conversation.body.id}`).set(bearer(admin))).status).toBe(204);
    expect((await atrium.http.get(`/v1/conversations/${conversation.body.id}`).set(bearer(admin))).status).toBe(404);
    const left = await atrium.database.asSuperuser('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [conversation.body.id]);
    expect(left.rows[0]!.n).toBe(0);
  });

  it('401s, 400s, 403s and keeps tenants apart', async () => {
    expect((await atrium.http.get('/v1/conversations')).status).toBe(401);
    expect((await atrium.http.get('/v1/conversations/not-a-uuid').set(bearer(admin))).status).toBe(400);
    const narrow = (await buildApiKey(atrium.services, tenant, { scopes: ['config:read'] })).key;
    expect((await start(narrow)).status).toBe(403);
    const conversation = await start(admin);
    const other = await buildTenant(atrium.services);
    const otherAdmin = (await buildApiKey(atrium.services, other, { scopes: ['tenant_admin'] })).key;
    expect((await atrium.http.get(`/v1/conversations/${conversation.body.id}`).set(bearer(otherAdmin))).status).toBe(404);
    expect((await atrium.http.delete(`/v1/conversations/${conversation.body.id}`).set(bearer(otherAdmin))).status).toBe(404);
    expect((await atrium.http.post(`/v1/conversations/${conversation.body.id}/escalate`).set(bearer(otherAdmin)).send({})).status).toBe(404);
  });
});
