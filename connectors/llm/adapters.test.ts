import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeLlm, type FakeLlm } from '../../test/fakes/llm';
import { ModelRouter, type ChatMessage, type StreamDelta } from './index';

// Each provider kind goes through its official SDK against the fake's wire format; the assertions
// are on the normalised shape, which must be identical whichever provider answered.

let fake: FakeLlm;
let router: ModelRouter;

const lookupTool = {
  name: 'lookup_order',
  description: 'Find an order',
  parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
};

beforeAll(async () => {
  fake = await startFakeLlm();
  router = new ModelRouter({
    providers: [
      { kind: 'openai', id: 'openai', apiKey: 'sk-test', baseUrl: fake.openaiBaseUrl },
      { kind: 'azure', id: 'azure', apiKey: 'az-test', endpoint: fake.url },
      { kind: 'openai-compatible', id: 'ollama', baseUrl: fake.openaiBaseUrl },
      { kind: 'anthropic', id: 'anthropic', apiKey: 'ak-test', baseUrl: fake.anthropicBaseUrl },
    ],
    chain: ['openai:gpt-4o-mini'],
    embeddingModel: 'openai:text-embedding-3-small',
    maxAttempts: 1,
  });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function collect(stream: AsyncIterable<StreamDelta>) {
  const deltas: StreamDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe.each([
  ['openai:gpt-4o-mini', 'openai-chat'],
  ['azure:support-gpt4o', 'openai-chat'],
  ['ollama:llama3.1:8b', 'openai-chat'],
  ['anthropic:claude-haiku-4-5', 'anthropic-messages'],
] as const)('%s', (ref, api) => {
  it('returns text with usage and the model that answered', async () => {
    fake.enqueue(reply.text('Hello there.', { usage: { input: 40, output: 4 } }));
    const result = await router.chat({
      models: [ref],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(result).toMatchObject({ text: 'Hello there.', toolCalls: [], finishReason: 'stop', usage: { inputTokens: 40, outputTokens: 4, totalTokens: 44 } });
    expect(`${result.provider}:${result.model}`).toBe(ref);
    expect(fake.requests[0]?.api).toBe(api);
  });

  it('maps a tool call to one shape with JSON-text arguments', async () => {
    fake.enqueue(reply.toolCall('lookup_order', { orderId: 'A-17' }));
    const result = await router.chat({ models: [ref], messages: [{ role: 'user', content: 'where is A-17?' }], tools: [lookupTool], toolChoice: 'auto' });
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({ name: 'lookup_order' });
    expect(JSON.parse(result.toolCalls[0]!.arguments)).toEqual({ orderId: 'A-17' });
    expect(result.toolCalls[0]!.id).toMatch(/\S/);
  });

  it('streams text deltas, then usage, then done with the assembled result', async () => {
    fake.enqueue(reply.text('one two three', { usage: { input: 9, output: 3 } }));
    const deltas = await collect(router.stream({ models: [ref], messages: [{ role: 'user', content: 'count' }] }));
    const text = deltas.flatMap((delta) => (delta.type === 'text' ? [delta.text] : []));
    expect(text.join('')).toBe('one two three');
    expect(text.length).toBeGreaterThan(1);
    expect(deltas.at(-2)).toEqual({ type: 'usage', usage: { inputTokens: 9, outputTokens: 3, totalTokens: 12 } });
    const done = deltas.at(-1);
    expect(done?.type === 'done' && done.result).toMatchObject({ text: 'one two three', finishReason: 'stop' });
  });

  it('streams tool-call fragments that assemble into the same call', async () => {
    fake.enqueue(reply.toolCall('lookup_order', { orderId: 'B-2' }));
    const deltas = await collect(router.stream({ models: [ref], messages: [{ role: 'user', content: 'order?' }], tools: [lookupTool] }));
    const fragments = deltas.filter((delta) => delta.type === 'tool_call');
    expect(fragments.length).toBeGreaterThan(1);
    expect(fragments.every((fragment) => fragment.type === 'tool_call' && fragment.index === 0)).toBe(true);
    const done = deltas.at(-1);
    if (done?.type !== 'done') throw new Error('stream did not finish');
    expect(done.result.finishReason).toBe('tool_calls');
    expect(JSON.parse(done.result.toolCalls[0]!.arguments)).toEqual({ orderId: 'B-2' });
  });

  it('sends a tool round trip in the provider wire format', async () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You help with orders.' },
      { role: 'user', content: 'where is A-17?' },
      { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: '{"orderId":"A-17"}' }] },
      { role: 'tool', toolCallId: 'call_1', content: '{"status":"shipped"}' },
    ];
    await router.chat({ models: [ref], messages, tools: [lookupTool] });
    const sent = fake.requests[0]!;
    expect(sent.lastUserMessage).toBe('where is A-17?');
    expect(sent.texts).toContain('{"status":"shipped"}');
    if (api === 'anthropic-messages') {
      expect(sent.body.system).toBe('You help with orders.');
      expect(sent.body.messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'where is A-17?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'lookup_order', input: { orderId: 'A-17' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '{"status":"shipped"}' }] },
      ]);
    } else {
      expect(sent.body.messages).toContainEqual({ role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' });
      expect(sent.body.tools).toEqual([{ type: 'function', function: lookupTool }]);
    }
  });
});

describe('provider specifics', () => {
  it('addresses an Azure deployment by path and api-version', async () => {
    await router.chat({ models: ['azure:support-gpt4o'], messages: [{ role: 'user', content: 'hi' }] });
    expect(fake.requests[0]?.path).toBe('/openai/deployments/support-gpt4o/chat/completions');
    expect(fake.requests[0]?.headers['api-key']).toBe('az-test');
  });

  it('sends max_tokens to compatible servers and max_completion_tokens to OpenAI', async () => {
    await router.chat({ models: ['ollama:llama3.1:8b'], messages: [{ role: 'user', content: 'hi' }], maxTokens: 50 });
    await router.chat({ models: ['openai:gpt-4o-mini'], messages: [{ role: 'user', content: 'hi' }], maxTokens: 50 });
    expect(fake.requests[0]?.body).toMatchObject({ model: 'llama3.1:8b', max_tokens: 50 });
    expect(fake.requests[1]?.body).toMatchObject({ max_completion_tokens: 50 });
  });

  it('maps "required" tool choice to Anthropic "any"', async () => {
    await router.chat({ models: ['anthropic:claude-haiku-4-5'], messages: [{ role: 'user', content: 'x' }], tools: [lookupTool], toolChoice: 'required' });
    expect(fake.requests[0]?.body.tool_choice).toEqual({ type: 'any' });
    expect(fake.requests[0]?.body.max_tokens).toBe(1024);
  });

  it('embeds texts in input order with usage and cost', async () => {
    const result = await router.embed(['refund policy', 'shipping times'], { dimensions: 16 });
    expect(result.vectors).toHaveLength(2);
    expect(result.vectors[0]).toHaveLength(16);
    expect(result.vectors[0]).not.toEqual(result.vectors[1]);
    expect(fake.requests[0]?.body).toMatchObject({ encoding_format: 'float', dimensions: 16 });
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo((result.usage.inputTokens * 0.02) / 1e6, 12);
  });

  it('refuses to embed through a provider without an embeddings API', async () => {
    await expect(router.embed(['x'], { model: 'anthropic:claude-haiku-4-5' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
