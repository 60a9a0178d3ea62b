import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { LlmError } from './errors';

/**
 * One attempt's abort plumbing: a controller the SDK call listens to, aborted by our timer or by
 * the caller's signal. Streams re-arm the timer between deltas, so a stalled stream also times out.
 */
export class AttemptClock {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly onCallerAbort = () => this.controller.abort();

  constructor(private readonly callerSignal: AbortSignal | undefined) {
    if (callerSignal?.aborted) this.controller.abort();
    callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get callerAborted(): boolean {
    return this.callerSignal?.aborted ?? false;
  }

  arm(timeoutMs: number): void {
    this.disarm();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, timeoutMs);
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Ends the attempt: stops the timer and aborts whatever the SDK still has open. */
  dispose(): void {
    this.disarm();
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    this.controller.abort();
  }
}

export interface BackoffSettings {
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxRetryAfterMs: number;
}

/**
 * Delay before retry number `attempt` (1-based): exponential with full jitter, but never sooner
 * than the provider's Retry-After. Returns null when Retry-After is longer than we are willing to
 * wait, so the caller falls back to the next model instead.
 */
export function retryDelayMs(attempt: number, retryAfter: number | undefined, settings: BackoffSettings, random: () => number): number | null {
  if (retryAfter !== undefined && retryAfter > settings.maxRetryAfterMs) return null;
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** (attempt - 1));
  const jittered = Math.round(random() * ceiling);
  return Math.max(retryAfter ?? 0, jittered);
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * A circuit breaker per provider+model (cockatiel: maintained, typed, and its half-open probe
 * admits a single trial call). Only failures that are the model's fault count.
 */
export class Breakers {
  private readonly policies = new Map<string, CircuitBreakerPolicy>();

  constructor(private readonly settings: { breakerFailures: number; breakerHalfOpenAfterMs: number }) {}

  get(ref: string): CircuitBreakerPolicy {
    let policy = this.policies.get(ref);
    if (!policy) {
      policy = circuitBreaker(
        handleWhen((error) => error instanceof LlmError && error.tripsBreaker),
        { halfOpenAfter: this.settings.breakerHalfOpenAfterMs, breaker: new ConsecutiveBreaker(this.settings.breakerFailures) },
      );
      this.policies.set(ref, policy);
    }
    return policy;
  }

  state(ref: string): BreakerState {
    const state = this.policies.get(ref)?.state ?? CircuitState.Closed;
    if (state === CircuitState.HalfOpen) return 'half-open';
    return state === CircuitState.Closed ? 'closed' : 'open';
  }
}
