/**
 * Deterministic failure injection for the fake's API: with the same seed, the same requests fail the same way, so
 * a flaky-looking test is reproducible. Faults hit before the handler runs (nothing is written), like a proxy 502
 * or Rack::Attack's 429 (README §7: body "Retry later").
 */
export interface FaultOptions {
  seed?: number;
  /** share of requests answered 5xx (0..1) */
  errorRate?: number;
  /** share of injected server errors that happen after the write was applied (0..1) */
  afterCommitShare?: number;
  /** status used for injected server errors */
  errorStatus?: 500 | 502 | 503;
  /** share of requests answered 429 with Retry-After (0..1) */
  rateLimitRate?: number;
  retryAfterSeconds?: number;
  /** added latency per request, fixed or a [min, max] range in ms */
  latencyMs?: number | [number, number];
}

/**
 * `error` with `afterCommit`: the handler runs (the write happens) and then the answer is a 5xx — the ambiguous
 * failure a client cannot tell from a lost request (a proxy timeout after Rails committed).
 */
export type Fault = { kind: 'none' } | { kind: 'error'; status: number; afterCommit?: boolean } | { kind: 'rate-limit'; retryAfterSeconds: number };

/** mulberry32: tiny, fast, good enough for test schedules (not for crypto). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private random: () => number;
  private options: FaultOptions = {};
  private scripted: Fault[] = [];

  constructor(options: FaultOptions = {}) {
    this.random = mulberry32(options.seed ?? 1);
    this.configure(options);
  }

  configure(options: FaultOptions): void {
    this.options = { ...options };
    if (options.seed !== undefined) this.random = mulberry32(options.seed);
  }

  private targeted: Array<{ match: RegExp; fault: Fault }> = [];

  /** The next `faults` requests fail exactly like this, before any random fault applies. */
  failNext(...faults: Fault[]): void {
    this.scripted.push(...faults);
  }

  /** The next request whose "METHOD /path" matches fails like this (other requests are unaffected). */
  failNextMatching(match: RegExp, fault: Fault): void {
    this.targeted.push({ match, fault });
  }

  next(request = ''): Fault {
    const index = this.targeted.findIndex((t) => t.match.test(request));
    if (index >= 0) return this.targeted.splice(index, 1)[0]!.fault;
    const scripted = this.scripted.shift();
    if (scripted) return scripted;
    const roll = this.random();
    const errorRate = this.options.errorRate ?? 0;
    if (roll < errorRate) {
      const afterCommit = roll < errorRate * (this.options.afterCommitShare ?? 0);
      return { kind: 'error', status: this.options.errorStatus ?? 503, afterCommit };
    }
    if (roll < errorRate + (this.options.rateLimitRate ?? 0)) {
      return { kind: 'rate-limit', retryAfterSeconds: this.options.retryAfterSeconds ?? 1 };
    }
    return { kind: 'none' };
  }

  latency(): number {
    const l = this.options.latencyMs ?? 0;
    if (typeof l === 'number') return l;
    return l[0] + Math.floor(this.random() * (l[1] - l[0] + 1));
  }
}
