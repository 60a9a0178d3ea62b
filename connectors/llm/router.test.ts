import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reply, startFakeLlm, type FakeLlm } from '../../test/fakes/llm';
import { LlmError, ModelRouter, type RouterConfigInput, type StreamDelta } from './index';

let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const question = [{ role: 'user' as const, content: 'hello' }];

function routerWith(overrides: Partial<RouterConfigInput> = {}) {
  return new ModelRouter(
    {
      providers: [
        { kind: 'openai', id: 'openai', apiKey: 'sk-test', baseUrl: fake.openaiBaseUrl },
        { kind: 'anthropic', id: 'anthropic', apiKey: 'ak-test', baseUrl: fake.anthropicBaseUrl },
      ],
      chain: ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5'],
      timeoutMs: 2_000,
      maxAttempts: 2,
      backoffBaseMs: 5,
      backoffMaxMs: 20,
      ...overrides,
    },
    { random: () => 0.5 },
  );
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(caught instanceof LlmError)) throw new Error(`expected an LlmError, got ${String(caught)}`);
  return caught;
}

describe('fallback and retries', () => {
  it('retries a 500 on the same model, then answers', async () => {
    fake.enqueue(reply.error(500), reply.text('second try'));
    const result = await routerWith().chat({ messages: question });
    expect(result.text).toBe('second try');
    expect(result.attempts.map((a) => [a.model, a.outcome, a.errorCode])).toEqual([
      ['gpt-4o-mini', 'error', 'UPSTREAM_UNAVAILABLE'],
      ['gpt-4o-mini', 'ok', undefined],
    ]);
  });

  it('falls back to the next model when the first keeps failing', async () => {
    fake.on({ model: 'gpt-4o-mini' }, reply.error(503));
    const result = await routerWith().chat({ messages: question });
    expect(result.provider).toBe('anthropic');
    expect(fake.requests.map((request) => request.model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini', 'claude-haiku-4-5']);
  });

  it('waits at least the Retry-After the provider asked for', async () => {
    fake.enqueue(reply.error(429, { retryAfterSeconds: 0.3 }), reply.text('after the wait'));
    const started = performance.now();
    const result = await routerWith().chat({ messages: question });
    expect(result.text).toBe('after the wait');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('falls back at once when Retry-After is longer than it is willing to wait', async () => {
    fake.enqueueFor({ model: 'gpt-4o-mini' }, reply.error(429, { retryAfterSeconds: 60 }));
    const started = performance.now();
    const result = await routerWith({ maxRetryAfterMs: 1_000 }).chat({ messages: question });
    expect(result.provider).toBe('anthropic');
    expect(result.attempts[0]).toMatchObject({ outcome: 'error', errorCode: 'UPSTREAM_RATE_LIMITED' });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('times out a hanging model and falls back without retrying it', async () => {
    fake.enqueueFor({ model: 'gpt-4o-mini' }, reply.hang());
    const result = await routerWith({ timeoutMs: 1_000 }).chat({ messages: question });
    expect(result.provider).toBe('anthropic');
    expect(result.attempts[0]).toMatchObject({ errorCode: 'UPSTREAM_TIMEOUT' });
    expect(fake.requests.filter((request) => request.model === 'gpt-4o-mini')).toHaveLength(1);
  });

  it('treats a body that is not the API shape as a bad response and falls back', async () => {
    fake.enqueueFor({ model: 'gpt-4o-mini' }, reply.malformed('shape'));
    const result = await routerWith().chat({ messages: question });
    expect(result.attempts[0]).toMatchObject({ errorCode: 'UPSTREAM_BAD_RESPONSE' });
    expect(result.provider).toBe('anthropic');
  });

  it('does not retry a request the provider rejects, but tries the next model', async () => {
    fake.enqueueFor({ model: 'gpt-4o-mini' }, reply.error(400, { message: 'context too long' }));
    const result = await routerWith().chat({ messages: question });
    expect(result.attempts.map((a) => a.errorCode ?? a.outcome)).toEqual(['UPSTREAM_REJECTED', 'ok']);
  });

  it('reports every attempt when all models are down', async () => {
    fake.on({}, reply.error(503));
    const error = await failure(routerWith().chat({ messages: question }));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((error.details?.attempts as unknown[]).length).toBe(4);
  });

  it('stops at once when the caller cancels, without trying the next model', async () => {
    fake.on({}, reply.hang());
    const controller = new AbortController();
    const pending = failure(routerWith().chat({ messages: question, signal: controller.signal }));
    for (let i = 0; i < 500 && fake.requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const error = await pending;
    expect(error.code).toBe('REQUEST_ABORTED');
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects an empty conversation with a validation error', async () => {
    const error = await failure(routerWith().chat({ messages: [] }));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toContain('messages');
  });

  it('says so when no model is configured', async () => {
    const router = new ModelRouter({});
    expect(router.configured).toBe(false);
    const error = await failure(router.chat({ messages: question }));
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', details: { reason: 'not_configured' } });
  });

  it('refuses a config whose chain names an unknown provider', () => {
    expect(() => new ModelRouter({ chain: ['nowhere:model'] })).toThrow(/unknown provider "nowhere"/);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures and skips the model without calling it', async () => {
    const router = routerWith({ maxAttempts: 1, breakerFailures: 2, breakerHalfOpenAfterMs: 60_000 });
    fake.on({ model: 'gpt-4o-mini' }, reply.error(500));
    await router.chat({ messages: question });
    await router.chat({ messages: question });
    expect(router.breakerState('openai:gpt-4o-mini')).toBe('open');
    const before = fake.requests.length;
    const result = await router.chat({ messages: question });
    expect(result.attempts[0]).toMatchObject({ outcome: 'skipped', model: 'gpt-4o-mini' });
    expect(fake.requests.slice(before).map((request) => request.model)).toEqual(['claude-haiku-4-5']);
  });

  it('lets one trial call through after the pause and closes when it succeeds', async () => {
    const router = routerWith({ maxAttempts: 1, breakerFailures: 1, breakerHalfOpenAfterMs: 100 });
    fake.enqueueFor({ model: 'gpt-4o-mini' }, reply.error(500));
    await router.chat({ messages: question });
    expect(router.breakerState('openai:gpt-4o-mini')).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const result = await router.chat({ messages: question });
    expect(result.provider).toBe('openai');
    expect(router.breakerState('openai:gpt-4o-mini')).toBe('closed');
  });

  it('is not tripped by requests the provider rejects as malformed', async () => {
    const router = routerWith({ maxAttempts: 1, breakerFailures: 1 });
    fake.enqueueFor({ model: 'gpt-4o-mini' }, reply.error(422));
    await router.chat({ messages: question });
    expect(router.breakerState('openai:gpt-4o-mini')).toBe('closed');
  });
});

describe('usage and cost', () => {
  it('prices a call from the built-in table', async () => {
    fake.enqueue(reply.text('ok', { usage: { input: 1_000_000, output: 500_000 } }));
    const result = await routerWith().chat({ messages: question });
    expect(result.costUsd).toBeCloseTo(0.15 + 0.3, 8);
  });

  it('lets config override a price, per provider and model', async () => {
    fake.enqueue(reply.text('ok', { usage: { input: 2_000, output: 1_000 } }));
    const result = await routerWith({ prices: { 'openai:gpt-4o-mini': { inputPerMTok: 1, outputPerMTok: 2 } } }).chat({ messages: question });
    expect(result.costUsd).toBeCloseTo(0.002 + 0.002, 10);
  });

  it('leaves the cost of an unpriced model null instead of guessing', async () => {
    const result = await routerWith({ chain: ['openai:my-local-model'] }).chat({ messages: question });
    expect(result.costUsd).toBeNull();
    expect(result.usage.totalTokens).toBeGreaterThan(0);
  });
});

describe('streaming', () => {
  async function collect(stream: AsyncIterable<StreamDelta>) {
    const deltas: StreamDelta[] = [];
    for await (const delta of stream) deltas.push(delta);
    return deltas;
  }

  it('falls back before the first token', async () => {
    fake.on({ model: 'gpt-4o-mini' }, reply.error(503));
    const deltas = await collect(routerWith({ maxAttempts: 1 }).stream({ messages: question }));
    const done = deltas.at(-1);
    expect(done?.type === 'done' && done.result.provider).toBe('anthropic');
    expect(done?.type === 'done' && done.result.attempts.map((a) => a.outcome)).toEqual(['error', 'ok']);
  });

  it('fails with a typed error, without switching model, when the connection drops mid-answer', async () => {
    fake.enqueue(reply.text('a b c d e f g h', { cutAfterChunks: 3 }));
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const delta of routerWith().stream({ messages: question })) if (delta.type === 'text') seen.push(delta.text);
      })(),
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_BAD_RESPONSE']).toContain(error.code);
    expect(fake.requests).toHaveLength(1);
  });

  it('times out a stream that stalls between tokens', async () => {
    fake.enqueue(reply.text('words then silence', { stallAfterChunks: 3 }));
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const delta of routerWith({ timeoutMs: 1_000 }).stream({ messages: question })) if (delta.type === 'text') seen.push(delta.text);
      })(),
    );
    expect(seen.join('')).toBe('words then ');
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(fake.requests).toHaveLength(1);
  });

  it('stops the upstream request when the consumer stops reading', async () => {
    fake.enqueue(reply.text('one two three four five six', { chunkDelayMs: 30 }));
    for await (const delta of routerWith().stream({ messages: question })) {
      if (delta.type === 'text') break;
    }
    expect(fake.requests).toHaveLength(1);
  });
});
