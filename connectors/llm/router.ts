import { setTimeout as sleep } from 'node:timers/promises';
import { BrokenCircuitError, IsolatedCircuitError } from 'cockatiel';
import { AttemptClock, Breakers, retryDelayMs, type BreakerState } from './attempt';
import { parseModelRef, routerConfigSchema, type RouterConfig, type RouterConfigInput } from './config';
import { LlmError, toLlmError } from './errors';
import { PriceTable } from './pricing';
import { createAdapter } from './providers';
import { StreamAssembler } from './stream-assembler';
import {
  chatRequestSchema,
  type Attempt,
  type ChatRequest,
  type ChatResult,
  type EmbedResult,
  type NormalisedRequest,
  type ProviderAdapter,
  type StreamDelta,
} from './types';

export interface RouterDeps {
  /** Replaces Math.random in backoff jitter (tests pin it). */
  random?: () => number;
  /** Adapters by provider id, replacing those built from config (for providers this package does not ship). */
  adapters?: ProviderAdapter[];
}

interface Target {
  ref: string;
  provider: string;
  model: string;
  adapter: ProviderAdapter;
}

/**
 * The model router: walks a chain of models, retrying each with backoff + jitter (honouring
 * Retry-After), falling back on error, timeout or rate limit, skipping models whose breaker is
 * open, and pricing every successful call. Streams fall back only until their first delta: after
 * that the caller has shown text to a user and a second model would contradict it.
 */
export class ModelRouter {
  readonly config: RouterConfig;
  private readonly adapters = new Map<string, ProviderAdapter>();
  private readonly breakers: Breakers;
  private readonly prices: PriceTable;
  private readonly random: () => number;

  constructor(config: RouterConfigInput, deps: RouterDeps = {}) {
    const parsed = routerConfigSchema.safeParse(config);
    if (!parsed.success)
      throw new LlmError('VALIDATION', `invalid model router config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.config = parsed.data;
    for (const provider of this.config.providers) this.adapters.set(provider.id, createAdapter(provider));
    for (const adapter of deps.adapters ?? []) this.adapters.set(adapter.id, adapter);
    this.breakers = new Breakers(this.config);
    this.prices = new PriceTable(this.config.prices);
    this.random = deps.random ?? Math.random;
  }

  /** False when no model is configured: callers then use their offline answerer. */
  get configured(): boolean {
    return this.config.chain.length > 0;
  }

  breakerState(ref: string): BreakerState {
    return this.breakers.state(ref);
  }

  async chat(input: ChatRequest): Promise<ChatResult> {
    const { request, chain, timeoutMs, signal } = this.prepare(input);
    return this.walk(chain, signal, async (target, attempts) => {
      const clock = new AttemptClock(signal);
      clock.arm(timeoutMs);
      try {
        const result = await this.guarded(target, clock, () => target.adapter.chat(target.model, request, { signal: clock.signal }));
        return { ...result, provider: target.provider, costUsd: this.cost(target, result.model, result.usage), attempts };
      } finally {
        clock.dispose();
      }
    });
  }

  async *stream(input: ChatRequest): AsyncGenerator<StreamDelta> {
    const { request, chain, timeoutMs, signal } = this.prepare(input);
    const opened = await this.walk(chain, signal, async (target, attempts) => {
      const clock = new AttemptClock(signal);
      clock.arm(timeoutMs);
      try {
        const iterator = target.adapter.stream(target.model, request, { signal: clock.signal })[Symbol.asyncIterator]();
        const first = await this.guarded(target, clock, async () => {
          const next = await iterator.next();
          if (next.done) throw new LlmError('UPSTREAM_BAD_RESPONSE', `${target.ref} ended its stream without any content`);
          return next.value;
        });
        return { target, attempts, clock, iterator, first };
      } catch (error) {
        clock.dispose();
        throw error;
      }
    });
    const { target, clock, iterator } = opened;
    const assembler = new StreamAssembler(request.messages);
    try {
      let delta = opened.first;
      for (;;) {
        const visible = assembler.add(delta);
        if (visible) yield visible;
        clock.arm(timeoutMs);
        const next = await iterator.next().catch((error: unknown) => {
          throw toLlmError(error, { ...target, timedOut: clock.timedOut, callerAborted: clock.callerAborted });
        });
        clock.disarm();
        if (next.done) break;
        delta = next.value;
      }
      // The SDKs end a stream quietly when it is aborted or cut, so a missing finish marker is the failure signal.
      if (clock.timedOut || clock.callerAborted || !assembler.finished) {
        throw toLlmError(new LlmError('UPSTREAM_BAD_RESPONSE', `${target.ref} ended its stream before finishing`), {
          ...target,
          timedOut: clock.timedOut,
          callerAborted: clock.callerAborted,
        });
      }
      const result = assembler.result();
      yield { type: 'usage', usage: result.usage };
      yield {
        type: 'done',
        result: {
          ...result,
          provider: target.provider,
          costUsd: this.cost(target, result.model ?? target.model, result.usage),
          attempts: opened.attempts,
          model: result.model ?? target.model,
        },
      };
    } finally {
      clock.dispose();
      await iterator.return?.().catch(() => undefined);
    }
  }

  /** Embeddings come from exactly one model: vectors from two models do not share a space, so there is no fallback. */
  async embed(texts: string[], options: { model?: string; dimensions?: number; signal?: AbortSignal } = {}): Promise<EmbedResult> {
    const ref = options.model ?? this.config.embeddingModel;
    if (!ref) throw new LlmError('UPSTREAM_UNAVAILABLE', 'no embedding model is configured', { details: { reason: 'not_configured' } });
    const [target] = this.targets([ref]);
    const embed = target?.adapter.embed?.bind(target.adapter);
    if (!target || !embed) throw new LlmError('VALIDATION', `provider of "${ref}" cannot embed`);
    if (texts.length === 0) return { vectors: [], model: target.model, provider: target.provider, usage: { inputTokens: 0 }, costUsd: 0 };
    return this.walk([target], options.signal, async () => {
      const clock = new AttemptClock(options.signal);
      clock.arm(this.config.timeoutMs);
      try {
        const out = await this.guarded(target, clock, () => embed(target.model, texts, { signal: clock.signal, dimensions: options.dimensions }));
        const costUsd = this.prices.cost(target.provider, target.model, out.inputTokens, 0);
        return { vectors: out.vectors, model: target.model, provider: target.provider, usage: { inputTokens: out.inputTokens }, costUsd };
      } finally {
        clock.dispose();
      }
    });
  }

  private prepare(input: ChatRequest) {
    const { signal, ...rest } = input;
    const parsed = chatRequestSchema.safeParse(rest);
    if (!parsed.success) {
      throw new LlmError('VALIDATION', parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; '));
    }
    const { models, timeoutMs, ...request } = parsed.data;
    const refs = models ?? this.config.chain;
    if (refs.length === 0) throw new LlmError('UPSTREAM_UNAVAILABLE', 'no model is configured', { details: { reason: 'not_configured' } });
    return { request: request as NormalisedRequest, chain: this.targets(refs), timeoutMs: timeoutMs ?? this.config.timeoutMs, signal };
  }

  private targets(refs: string[]): Target[] {
    return refs.map((ref) => {
      const { provider, model } = parseModelRef(ref);
      const adapter = this.adapters.get(provider);
      if (!adapter) throw new LlmError('VALIDATION', `model "${ref}" names unknown provider "${provider}"`);
      return { ref, provider, model, adapter };
    });
  }

  /** Runs one call inside the model's breaker, mapping whatever it throws to an LlmError. */
  private async guarded<T>(target: Target, clock: AttemptClock, call: () => Promise<T>): Promise<T> {
    try {
      return await this.breakers.get(target.ref).execute(async () => {
        try {
          return await call();
        } catch (error) {
          throw toLlmError(error, { ...target, timedOut: clock.timedOut, callerAborted: clock.callerAborted });
        }
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        throw new LlmError('UPSTREAM_UNAVAILABLE', `${target.ref} is paused after repeated failures`, { details: { breaker: 'open' } });
      }
      throw error;
    }
  }

  /** Tries each target in order, retrying retryable errors; throws the last error when all fail. */
  private async walk<T>(chain: Target[], signal: AbortSignal | undefined, run: (target: Target, attempts: Attempt[]) => Promise<T>): Promise<T> {
    const attempts: Attempt[] = [];
    let last: LlmError | undefined;
    for (const target of chain) {
      for (let tryNumber = 1; tryNumber <= this.config.maxAttempts; tryNumber++) {
        const started = performance.now();
        try {
          const result = await run(target, attempts);
          attempts.push({ provider: target.provider, model: target.model, outcome: 'ok', durationMs: performance.now() - started });
          return result;
        } catch (caught) {
          const error = caught instanceof LlmError ? caught : toLlmError(caught, { ...target, timedOut: false, callerAborted: signal?.aborted ?? false });
          const skipped = error.details?.breaker === 'open';
          attempts.push({
            provider: target.provider,
            model: target.model,
            outcome: skipped ? 'skipped' : 'error',
            errorCode: error.code,
            message: error.message,
            durationMs: performance.now() - started,
          });
          if (!error.fallbackable) throw error;
          last = error;
          if (skipped || !error.retryable || tryNumber === this.config.maxAttempts) break;
          const delay = retryDelayMs(tryNumber, error.retryAfterMs, this.config, this.random);
          if (delay === null) break;
          await sleep(delay, undefined, { signal }).catch(() => {
            throw new LlmError('REQUEST_ABORTED', 'request was cancelled while waiting to retry');
          });
        }
      }
    }
    throw new LlmError(
      last?.code ?? 'UPSTREAM_UNAVAILABLE',
      `every model failed (${chain.map((t) => t.ref).join(', ')}): ${last?.message ?? 'no attempt made'}`,
      {
        upstreamStatus: last?.upstreamStatus,
        details: { attempts },
        cause: last,
      },
    );
  }

  private cost(target: Target, reportedModel: string, usage: { inputTokens: number; outputTokens: number }): number | null {
    // The configured name first (it is what the operator priced, e.g. an Azure deployment), then what the provider reported.
    return (
      this.prices.cost(target.provider, target.model, usage.inputTokens, usage.outputTokens) ??
      this.prices.cost(target.provider, reportedModel, usage.inputTokens, usage.outputTokens)
    );
  }
}
