import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeLlm, type FakeLlm } from '../../../../test/fakes/llm';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import type { TenantRef } from '../../platform/http/context';

let fake: FakeLlm;
let atrium: TestAtrium;
let tenant: TenantRef;
let key: string;

beforeAll(async () => {
  fake = await startFakeLlm();
  atrium = await createTestAtrium({ env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.openaiBaseUrl, LLM_DEFAULT_CHAIN: 'openai:gpt-4o-mini' } });
  tenant = await buildTenant(atrium.services);
  key = (await buildApiKey(atrium.services, tenant, { scopes: ['agent'] })).key;
});
afterAll(async () => {
  await atrium?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const chat = (user: string, content: string, apiKey = key) =>
  atrium.http
    .post('/v1/chat/completions')
    .set(bearer(apiKey))
    .send({ user, messages: [{ role: 'user', content }] });
const consent = (user: string, granted: boolean, apiKey = key) => atrium.http.post('/v1/memory/consent').set(bearer(apiKey)).send({ user, granted });
const memoriesOf = (user: string, apiKey = key) => atrium.http.get('/v1/memory').query({ user }).set(bearer(apiKey));

describe('memory with consent', () => {
  it('stores nothing from "remember that …" until the user consents, and says why', async () => {
    const r = await chat('alice', 'Remember that I prefer email over phone calls.');
    expect(r.body.choices[0].message.content).toMatch(/only remember things if you allow it/);
    expect(r.body.atrium.answered_by).toBe('memory');
    expect((await memoriesOf('alice')).body).toMatchObject({ consent: { granted: false, required: true }, items: [] });
    const rows = await atrium.database.asSuperuser('SELECT count(*)::int AS n FROM memories WHERE tenant_id = $1', [tenant.id]);
    expect(rows.rows[0]!.n).toBe(0);
  });

  it('with consent, remembers an explicit request and recalls it into later prompts', async () => {
    expect((await consent('bob', true)).body).toMatchObject({ granted: true, required: true, enabled: true });
    const stored = await chat('bob', 'Please remember that my order number is A-1234.');
    expect(stored.body.choices[0].message.content).toMatch(/I'll remember that/);
    expect((await memoriesOf('bob')).body.items).toMatchObject([{ content: 'my order number is A-1234', source: 'explicit' }]);
    await chat('bob', 'Where is my parcel?');
    expect(fake.requests.at(-1)!.texts[0]).toContain('- my order number is A-1234');
  });

  it('keeps a fact the model proposes with save_memory only when the user consented', async () => {
    await consent('carol', true);
    fake.enqueue(reply.toolCall('save_memory', { fact: 'prefers German' }), reply.text('Noted.'));
    const r = await chat('carol', 'Ich spreche lieber Deutsch.');
    expect(r.body.choices[0].message.content).toBe('Noted.');
    expect((await memoriesOf('carol')).body.items).toMatchObject([{ content: 'prefers German', source: 'proposed' }]);
    // Without consent the tool is not even offered.
    await chat('dave', 'I like tea.');
    expect(JSON.stringify(fake.requests.at(-1)!.body.tools ?? [])).not.toContain('save_memory');
  });

  it("never shows one user another user's memory, in the API or in the prompt", async () => {
    await consent('erin', true);
    await chat('erin', 'Remember that my dog is called Biscuit.');
    expect((await memoriesOf('frank')).body.items).toEqual([]);
    await consent('frank', true);
    fake.reset();
    await chat('frank', 'What is my dog called?');
    expect(fake.requests[0]!.texts.join('\n')).not.toContain('Biscuit');
    const otherKey = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    const admin = await atrium.http.get('/v1/memory').query({ user: 'erin' }).set(bearer(otherKey));
    expect(admin.body.items).toEqual([]);
    const erinsMemory = (await memoriesOf('erin')).body.items[0].id;
    expect((await atrium.http.delete(`/v1/memory/${erinsMemory}`).query({ user: 'frank' }).set(bearer(key))).status).toBe(404);
  });

  it('erasing leaves nothing behind: no rows, no consent, nothing recalled, no content in the audit log', async () => {
    await consent('gina', true);
    await chat('gina', 'Remember that I live at 12 Elm Street.');
    await atrium.http.post('/v1/memory').set(bearer(key)).send({ user: 'gina', content: 'likes short answers' }).expect(201);
    const erased = await atrium.http.delete('/v1/memory').query({ user: 'gina' }).set(bearer(key));
    expect(erased.body).toEqual({ deleted: 2 });
    const left = await atrium.database.asSuperuser(
      `SELECT (SELECT count(*)::int FROM memories WHERE owner_ref LIKE '%#gina') AS memories, (SELECT count(*)::int FROM memory_consents WHERE owner_ref LIKE '%#gina') AS consents`,
    );
    expect(left.rows[0]).toEqual({ memories: 0, consents: 0 });
    const audit = await atrium.database.asSuperuser(`SELECT data FROM audit_log WHERE tenant_id = $1 AND action LIKE 'memory.%'`, [tenant.id]);
    expect(JSON.stringify(audit.rows)).not.toMatch(/Elm Street|short answers/);
    fake.reset();
    await chat('gina', 'Where do I live?');
    expect(fake.requests[0]!.texts.join('\n')).not.toContain('Elm Street');
  });

  it('lets a user correct and delete single memories', async () => {
    await consent('hank', true);
    const created = await atrium.http.post('/v1/memory').set(bearer(key)).send({ user: 'hank', content: 'prefers phone' });
    const updated = await atrium.http.put(`/v1/memory/${created.body.id}`).set(bearer(key)).send({ user: 'hank', content: 'prefers email' });
    expect(updated.body).toMatchObject({ id: created.body.id, content: 'prefers email', source: 'api' });
    expect((await atrium.http.delete(`/v1/memory/${created.body.id}`).query({ user: 'hank' }).set(bearer(key))).status).toBe(204);
    expect((await memoriesOf('hank')).body.items).toEqual([]);
  });

  it('withdrawing consent stops recall without deleting', async () => {
    await consent('ivy', true);
    await chat('ivy', 'Remember that I am vegetarian.');
    await consent('ivy', false);
    fake.reset();
    await chat('ivy', 'Suggest a meal.');
    expect(fake.requests[0]!.texts.join('\n')).not.toContain('vegetarian');
    expect((await atrium.http.post('/v1/memory').set(bearer(key)).send({ user: 'ivy', content: 'x y z' })).body.error.code).toBe('CONSENT_REQUIRED');
  });
});

describe('memory access', () => {
  it("401s without a credential, 400s bad input, 403s a key without memory rights, 404s another tenant's memory", async () => {
    expect((await atrium.http.get('/v1/memory')).status).toBe(401);
    expect((await atrium.http.post('/v1/memory/consent').set(bearer(key)).send({ granted: 'yes' })).status).toBe(400);
    const narrow = (await buildApiKey(atrium.services, tenant, { scopes: ['config:read'] })).key;
    expect((await atrium.http.get('/v1/memory').set(bearer(narrow))).status).toBe(403);
    await consent('jo', true);
    const created = await atrium.http.post('/v1/memory').set(bearer(key)).send({ user: 'jo', content: 'tenant A secret' });
    const other = await buildTenant(atrium.services);
    const otherKey = (await buildApiKey(atrium.services, other, { scopes: ['tenant_admin'] })).key;
    expect((await atrium.http.put(`/v1/memory/${created.body.id}`).set(bearer(otherKey)).send({ user: 'jo', content: 'x' })).status).toBe(404);
    expect((await atrium.http.get('/v1/memory').query({ user: 'jo' }).set(bearer(otherKey))).body.items).toEqual([]);
  });
});
