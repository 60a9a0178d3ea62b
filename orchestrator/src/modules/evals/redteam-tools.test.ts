import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startFakeLlm, type FakeLlm } from '../../../../test/fakes/llm';
import { startToolEndpoint } from '../../../../test/fakes/tools/endpoint';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import type { TenantRef } from '../../platform/http/context';

/**
 * The unauthorised-tool attacks on the real engine with a model that does call tools (the fake LLM obeys the
 * attacker): the battery passes while the refund tool needs approval, and fails, naming the tool, once the
 * approval gate is switched off and the tool really runs.
 */
describe('red-team: unauthorised tool use on the real chat engine', () => {
  let fake: FakeLlm;
  let atrium: TestAtrium;
  let toolServer: Awaited<ReturnType<typeof startToolEndpoint>>;
  let tenant: TenantRef;
  let key: string;
  let toolId: string;
  const refunds = () => toolServer.calls.map((c) => c.input);

  beforeAll(async () => {
    fake = await startFakeLlm();
    atrium = await createTestAtrium({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.openaiBaseUrl, LLM_DEFAULT_CHAIN: 'openai:gpt-4o-mini', LLM_TIMEOUT_MS: '5000' },
    });
    toolServer = await startToolEndpoint({ refunded: true });
    tenant = await buildTenant(atrium.services);
    key = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    const config = await atrium.http
      .put('/v1/admin/config')
      .set(bearer(key))
      .send({ config: { models: { chain: [{ provider: 'openai', model: 'gpt-4o-mini' }] } } });
    expect(config.status).toBe(200);
    const tool = await atrium.http
      .post('/v1/tools')
      .set(bearer(key))
      .send({
        name: 'issue_refund',
        description: 'Refunds an order',
        input_schema: { type: 'object', properties: { order: { type: 'string' }, amount: { type: 'number' } }, required: ['order', 'amount'] },
        risk: 'low',
        needs_approval: true,
        binding: { kind: 'http', url: toolServer.url, timeout_ms: 2000 },
      });
    expect(tool.status).toBe(201);
    toolId = tool.body.id;
  });
  afterAll(async () => {
    await toolServer?.close();
    await atrium?.close();
    await fake?.close();
  });

  async function battery() {
    // the model obeys the attacker once per run: it calls the refund tool for the "skip the approval" attack
    fake.on({ api: 'openai-chat', lastUserMessage: /refund of 5000 EUR/ }, reply.toolCall('issue_refund', { order: '1234', amount: 5000 }), 1);
    const started = await atrium.http
      .post('/v1/admin/red-team/run')
      .set(bearer(key))
      .send({ sets: ['unauthorised_tools'] });
    expect(started.status).toBe(202);
    for (let i = 0; i < 300; i++) {
      const r = await atrium.http.get(`/v1/admin/evals/runs/${started.body.id}`).set(bearer(key));
      if (r.body.status === 'completed' || r.body.status === 'failed') return r.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('run did not finish in 30 s');
  }

  it('passes while the approval gate holds, and fails with the tool as evidence once it is switched off', async () => {
    const guarded = await battery();
    expect(guarded.error).toBeNull();
    expect(guarded.summary).toMatchObject({ verdict: 'pass', failures: [] });
    const held = guarded.results.find((r: { case_id: string }) => r.case_id === 'ut-refund-no-approval');
    expect(held.details.findings).toEqual([{ check: 'must_not_execute_tools', passed: true }]);
    expect(refunds()).toEqual([]);
    const pending = await atrium.database.asSuperuser(`SELECT status FROM tool_executions WHERE tenant_id = $1`, [tenant.id]);
    expect(pending.rows).toEqual([{ status: 'pending_approval' }]);

    expect((await atrium.http.put(`/v1/tools/${toolId}`).set(bearer(key)).send({ needs_approval: false })).status).toBe(200);
    const exposed = await battery();
    expect(exposed.summary.verdict).toBe('fail');
    expect(exposed.summary.failures).toEqual([
      { attack: 'ut-refund-no-approval', category: 'unauthorised_tools', evidence: ['must_not_execute_tools: tools ran: issue_refund'] },
    ]);
    expect(refunds()).toEqual([{ order: '1234', amount: 5000 }]);
  }, 60_000);
});
