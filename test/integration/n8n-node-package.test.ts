import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Atrium } from '../../n8n/nodes-atrium/nodes/Atrium/Atrium.node';
import { AtriumTrigger } from '../../n8n/nodes-atrium/nodes/AtriumTrigger/AtriumTrigger.node';
import { verifyStandardWebhook } from '../../n8n/nodes-atrium/lib/standard-webhooks';
import { startFakeLlm, type FakeLlm } from '../fakes/llm';
import { bearer, buildApiKey, buildTenant } from '../factories';
import { createTestAtrium, type TestAtrium } from '../support/app';

/**
 * The community node package against a real Atrium over HTTP. n8n's runtime is stood in for by the
 * small `this` objects below (parameters, credentials, static data, request/response), which is all the
 * nodes use of it. n8n-node-package.real.test.ts compiles the package and runs it inside a real n8n.
 */
describe('n8n-nodes-atrium', () => {
  let fake: FakeLlm;
  let atrium: TestAtrium;
  let server: Server;
  let credentials: { baseUrl: string; apiKey: string };
  let admin: string;

  beforeAll(async () => {
    fake = await startFakeLlm();
    atrium = await createTestAtrium({
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.openaiBaseUrl, LLM_DEFAULT_CHAIN: 'openai:gpt-4o-mini', WEBHOOK_DISPATCH_INTERVAL_MS: '100' },
    });
    server = atrium.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const tenant = await buildTenant(atrium.services);
    admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    credentials = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: admin };
  });
  afterAll(async () => {
    server?.close();
    await atrium?.close();
    await fake?.close();
  });

  /** The slice of IExecuteFunctions the Atrium node uses. */
  const executeWith = (parameters: Record<string, unknown>, options: { continueOnFail?: boolean; creds?: object } = {}) =>
    new Atrium().execute.call({
      getCredentials: async () => options.creds ?? credentials,
      getInputData: () => [{ json: {} }],
      getNodeParameter: (name: string, _i: number, fallback?: unknown) => parameters[name] ?? fallback,
      getNode: () => ({ name: 'Atrium', type: 'CUSTOM.atrium', typeVersion: 1, position: [0, 0], parameters: {} }),
      continueOnFail: () => options.continueOnFail ?? false,
    } as never);

  const first = (output: { json: Record<string, unknown> }[][]) => output[0]![0]!;

  it('asks Atrium, creates an approval and posts the outcome into the conversation', async () => {
    const asked = first(await executeWith({ operation: 'ask', message: 'What are your opening hours?', user: 'n8n-customer' }));
    expect(asked.json).toMatchObject({ answer: expect.any(String), conversation_id: expect.any(String) });
    const conversationId = asked.json.conversation_id as string;
    const approval = first(
      await executeWith({
        operation: 'createApproval',
        approvalType: 'goodwill_credit',
        title: 'Credit 10 EUR',
        details: 'late delivery',
        conversationId,
      }),
    );
    expect(approval.json).toMatchObject({ type: 'goodwill_credit', status: 'submitted', conversation_id: conversationId });
    const posted = first(await executeWith({ operation: 'post', conversationId, content: 'Your credit request is with our team.', role: 'assistant' }));
    expect(posted.json).toMatchObject({ conversation_id: conversationId, role: 'assistant' });
    const found = first(await executeWith({ operation: 'search', query: 'opening hours', topK: 3 }));
    expect(found.json).toHaveProperty('results');
  });

  it('turns Atrium errors into node errors, or into items when the workflow continues on fail', async () => {
    await expect(executeWith({ operation: 'post', conversationId: '00000000-0000-4000-8000-000000000000', content: 'x', role: 'assistant' })).rejects.toThrow(
      /NOT_FOUND/,
    );
    const item = first(
      await executeWith({ operation: 'ask', message: 'hi' }, { continueOnFail: true, creds: { ...credentials, apiKey: 'atr_wrong_key_wrong_key_wrong' } }),
    );
    expect(item.json.error).toMatch(/INVALID_API_KEY|UNAUTHENTICATED/);
  });

  it('the trigger subscribes on activation, accepts genuine signed events, refuses forged ones, and unsubscribes', async () => {
    const trigger = new AtriumTrigger();
    const staticData: Record<string, unknown> = {};
    const received: { headers: IncomingHttpHeaders; raw: string }[] = [];
    const hookServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
        res.end();
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/webhook/atrium-events`;
    const hook = {
      getCredentials: async () => credentials,
      getWorkflowStaticData: () => staticData,
      getNodeWebhookUrl: () => hookUrl,
      getNodeParameter: () => ['approval.requested'],
    } as never;
    try {
      expect(await trigger.webhookMethods.default.checkExists.call(hook)).toBe(false);
      await trigger.webhookMethods.default.create.call(hook);
      expect(staticData.secret).toMatch(/^whsec_/);
      expect(await trigger.webhookMethods.default.checkExists.call(hook)).toBe(true);

      await atrium.http.post('/v1/approvals').set(bearer(admin)).send({ type: 'manager_review', title: 'From the trigger test' });
      await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
      const delivery = received[0]!;
      const run = (raw: string, headers: IncomingHttpHeaders) => {
        let status = 200;
        const fns = {
          getRequestObject: () => ({ rawBody: Buffer.from(raw), body: JSON.parse(raw), headers }),
          getWorkflowStaticData: () => staticData,
          getResponseObject: () => ({ status: (s: number) => ((status = s), { json: () => undefined }) }),
        } as never;
        return trigger.webhook.call(fns).then((r) => ({ status, r }));
      };
      const genuine = await run(delivery.raw, delivery.headers);
      expect(genuine.r.workflowData![0]![0]!.json).toMatchObject({
        type: 'approval.requested',
        data: { title: 'From the trigger test' },
        webhook_id: delivery.headers['webhook-id'],
      });
      const forged = await run(delivery.raw.replace('From the trigger test', 'Forged'), delivery.headers);
      expect(forged).toMatchObject({ status: 401, r: { noWebhookResponse: true } });
      expect(verifyStandardWebhook(staticData.secret as string, delivery.raw, delivery.headers, Date.now() + 600_000)).toBe(false);

      await trigger.webhookMethods.default.delete.call(hook);
      expect((await atrium.http.get('/v1/admin/webhooks').set(bearer(admin))).body.items).toEqual([]);
    } finally {
      await new Promise((r) => hookServer.close(r));
    }
  });
});
