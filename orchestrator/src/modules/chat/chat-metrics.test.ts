import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeLlm, type FakeLlm } from '../../../../test/fakes/llm';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';

let fake: FakeLlm;
let atrium: TestAtrium;
let key: string;

/** One sample of the Prometheus text exposition served at GET /metrics (0 when the series does not exist yet). */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const text = (await atrium.http.get('/metrics').expect(200)).text;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    const pairs = Object.fromEntries([...inside.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => pairs[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

const ask = (content: string, extra: Record<string, unknown> = {}) =>
  atrium.http
    .post('/v1/chat/completions')
    .set(bearer(key))
    .send({ messages: [{ role: 'user', content }], ...extra });

beforeAll(async () => {
  fake = await startFakeLlm();
  atrium = await createTestAtrium({
    env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.openaiBaseUrl, LLM_DEFAULT_CHAIN: 'openai:gpt-4o-mini', LLM_TIMEOUT_MS: '3000' },
  });
  const tenant = await buildTenant(atrium.services);
  key = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
});
afterAll(async () => {
  await atrium?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('chat metrics at GET /metrics', () => {
  it('counts the model call, its tokens and cost per provider and model, and the turn', async () => {
    const model = { provider: 'openai', model: 'gpt-4o-mini' };
    const before = {
      calls: await sample('atrium_model_call_duration_seconds_count', { ...model, outcome: 'ok' }),
      input: await sample('atrium_model_tokens_total', { ...model, direction: 'input' }),
      output: await sample('atrium_model_tokens_total', { ...model, direction: 'output' }),
      cost: await sample('atrium_model_cost_usd_total', model),
      turns: await sample('atrium_chat_turns_total', { channel: 'api', answered_by: 'model' }),
    };
    fake.enqueue(reply.text('Refunds take 14 days.', { usage: { input: 120, output: 7 } }));
    const r = await ask('How long do refunds take?').expect(200);
    expect(r.body.usage).toMatchObject({ prompt_tokens: 120, completion_tokens: 7 });
    expect(await sample('atrium_model_call_duration_seconds_count', { ...model, outcome: 'ok' })).toBe(before.calls + 1);
    expect(await sample('atrium_model_tokens_total', { ...model, direction: 'input' })).toBe(before.input + 120);
    expect(await sample('atrium_model_tokens_total', { ...model, direction: 'output' })).toBe(before.output + 7);
    expect(await sample('atrium_model_cost_usd_total', model)).toBeCloseTo(before.cost + r.body.atrium.cost_usd, 9);
    expect(r.body.atrium.cost_usd).toBeGreaterThan(0);
    expect(await sample('atrium_chat_turns_total', { channel: 'api', answered_by: 'model' })).toBe(before.turns + 1);
  });

  it('keeps the channel label bounded: a channel name of the caller\'s own counts as "other"', async () => {
    const before = await sample('atrium_chat_turns_total', { channel: 'other', answered_by: 'model' });
    await ask('How long do refunds take?', { channel: 'partner-portal-7' }).expect(200);
    expect(await sample('atrium_chat_turns_total', { channel: 'other', answered_by: 'model' })).toBe(before + 1);
    expect((await atrium.http.get('/metrics')).text).not.toContain('partner-portal-7');
  });

  it('records a failed model call and the handoff it causes, and a handoff a caller asks for', async () => {
    const failedBefore = await sample('atrium_model_call_duration_seconds_count', { provider: 'openai', model: 'gpt-4o-mini', outcome: 'error' });
    const handoffsBefore = await sample('atrium_handoffs_total', { channel: 'api', reason: 'model_failure' });
    fake.on({}, reply.error(503));
    const failed = await ask('Where is my parcel?').expect(200);
    expect(failed.body.atrium).toMatchObject({ answered_by: 'fallback', escalated: true });
    expect(await sample('atrium_model_call_duration_seconds_count', { provider: 'openai', model: 'gpt-4o-mini', outcome: 'error' })).toBe(failedBefore + 1);
    expect(await sample('atrium_handoffs_total', { channel: 'api', reason: 'model_failure' })).toBe(handoffsBefore + 1);

    // Asking again in the escalated conversation is not a second handoff.
    await ask('Hello?', { conversation_id: failed.body.conversation_id }).expect(200);
    expect(await sample('atrium_handoffs_total', { channel: 'api', reason: 'model_failure' })).toBe(handoffsBefore + 1);

    fake.reset();
    const requestedBefore = await sample('atrium_handoffs_total', { channel: 'api', reason: 'requested' });
    const other = await ask('What are your opening hours?').expect(200);
    await atrium.http.post(`/v1/conversations/${other.body.conversation_id}/escalate`).set(bearer(key)).send({ reason: 'wants a person' }).expect(200);
    expect(await sample('atrium_handoffs_total', { channel: 'api', reason: 'requested' })).toBe(requestedBefore + 1);
  });
});
