import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeLlm, type FakeLlm } from './index';

// The fake is only useful if the official SDKs accept what it sends, so every wire shape is read
// back through them here (the Anthropic MessageStream helper rejects out-of-order events).

let fake: FakeLlm;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  fake = await startFakeLlm();
  openai = new OpenAI({ apiKey: 'test', baseURL: fake.openaiBaseUrl, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: 'test', baseURL: fake.anthropicBaseUrl, maxRetries: 0 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('fake LLM, OpenAI Chat Completions', () => {
  it('answers by default with the question and the first sentence of each numbered source', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Sources:\n[1] Refunds take 14 days. Ask billing.\n[2] Shipping is free over 50 EUR.' },
        { role: 'user', content: 'How long do refunds take?' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('You asked: How long do refunds take?\n[1] Refunds take 14 days.\n[2] Shipping is free over 50 EUR.');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(fake.requests[0]).toMatchObject({ api: 'openai-chat', model: 'gpt-4o-mini', lastUserMessage: 'How long do refunds take?', stream: false });
  });

  it('streams text in chunks, reports usage when asked and ends with [DONE]', async () => {
    fake.enqueue(reply.text('one two three', { usage: { input: 11, output: 3 } }));
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      pieces.push(chunk.choices[0]?.delta.content ?? '');
      usage = chunk.usage ?? usage;
    }
    expect(pieces.join('')).toBe('one two three');
    expect(pieces.filter(Boolean).length).toBe(3);
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 });
  });

  it('returns tool calls that the SDK stream helper assembles', async () => {
    fake.enqueue(reply.toolCall('lookup_order', { orderId: 'A-17' }));
    const runner = openai.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'where is my order?' }],
      tools: [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { orderId: { type: 'string' } } } } }],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ orderId: 'A-17' });
  });

  it('fails with the scripted status and Retry-After, then answers again', async () => {
    fake.enqueue(reply.error(429, { retryAfterSeconds: 7 }));
    const error = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
    const next = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(next.choices[0]?.message.content).toContain('You asked: hi');
  });

  it('matches rules on model and last user message', async () => {
    fake.on({ model: 'broken' }, reply.error(503));
    fake.on({ lastUserMessage: /refund/ }, reply.text('refund policy'));
    const broken = await openai.chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(broken).toBeInstanceOf(OpenAI.InternalServerError);
    const matched = await openai.chat.completions.create({ model: 'ok', messages: [{ role: 'user', content: 'a refund please' }] });
    expect(matched.choices[0]?.message.content).toBe('refund policy');
  });

  it('serves deterministic, normalised embeddings as floats or base64', async () => {
    const floats = await openai.embeddings.create({
      model: 'emb',
      input: ['refund policy', 'refund policy', 'shipping'],
      encoding_format: 'float',
      dimensions: 32,
    });
    const base64 = await openai.embeddings.create({ model: 'emb', input: 'refund policy', dimensions: 32 });
    const [a, b, c] = floats.data.map((item) => item.embedding);
    expect(a).toHaveLength(32);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
    base64.data[0]!.embedding.forEach((value, index) => expect(value).toBeCloseTo(a![index]!, 5));
  });
});

describe('fake LLM, Anthropic Messages', () => {
  it('answers from the system field and the last user turn', async () => {
    const message = await anthropic.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      system: '[1] The office opens at 9.',
      messages: [{ role: 'user', content: 'When do you open?' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'You asked: When do you open?\n[1] The office opens at 9.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('streams text and tool_use blocks in the event order the SDK requires', async () => {
    fake.enqueue({ kind: 'tool_calls', text: 'Let me check.', calls: [{ name: 'lookup_order', arguments: { orderId: 'B-2' } }] });
    const stream = anthropic.messages.stream({
      model: 'claude-haiku-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'order?' }],
      tools: [{ name: 'lookup_order', input_schema: { type: 'object', properties: { orderId: { type: 'string' } } } }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Let me check.' });
    expect(final.content[1]).toMatchObject({ type: 'tool_use', name: 'lookup_order', input: { orderId: 'B-2' } });
  });

  it('returns Anthropic-shaped errors the SDK maps to its error classes', async () => {
    fake.enqueue(reply.error(529));
    const error = await anthropic.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
  });
});

describe('fake LLM, failure modes', () => {
  it('rejects a wrong API key when one is required', async () => {
    const locked = await startFakeLlm({ apiKey: 'right' });
    try {
      const client = new OpenAI({ apiKey: 'wrong', baseURL: locked.openaiBaseUrl, maxRetries: 0 });
      const error = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    } finally {
      await locked.close();
    }
  });

  it('hangs until the client gives up, and close() still returns', async () => {
    fake.enqueue(reply.hang());
    const error = await openai.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { timeout: 200 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('sends a body that is not JSON when scripted as malformed', async () => {
    fake.enqueue(reply.malformed());
    const error = await openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
  });
});
