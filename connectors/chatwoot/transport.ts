import type { z } from 'zod';
import { ChatwootError, errorFromResponse } from './errors';

/**
 * One HTTP call to Chatwoot: per-attempt timeout, retries with exponential backoff and full jitter on 429/5xx/network
 * errors honouring Retry-After, and a zod-parsed response. Whether a failed call may be repeated is the caller's
 * decision (`retry`), because only the caller knows whether the call is idempotent.
 */
export interface RetryPolicy {
  /** total attempts including the first */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** a Retry-After longer than this is not waited for: the error goes back to the caller (e.g. to reschedule a job) */
  maxRetryAfterMs: number;
}

export interface TransportOptions {
  baseUrl: string;
  token: string;
  /** per attempt */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * `api_access_token` by default; `api-access-token` also works with Chatwoot (Rails reads HTTP_API_ACCESS_TOKEN)
   * and survives nginx, which drops underscore headers unless configured otherwise (README §2).
   */
  tokenHeader?: 'api_access_token' | 'api-access-token';
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { what: string; attempt: number; delayMs: number; error: ChatwootError }) => void;
}

/**
 * `safe`: idempotent (GET, set-style writes) → retry on every retryable error.
 * `if-not-applied`: retry only when Chatwoot certainly did not apply the call (429, connection refused); on an
 * ambiguous failure (5xx, timeout) ask `recover` whether it was applied, and retry only if it says no.
 */
export type RetryMode = 'safe' | 'if-not-applied' | 'never';

export interface CallSpec<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: z.ZodType<T>;
  /** human description used in error messages, e.g. "POST messages of conversation 12" */
  what: string;
  retry: RetryMode;
  recover?: () => Promise<T | undefined>;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 4_000, maxRetryAfterMs: 15_000 };

export class ChatwootTransport {
  private readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  async call<T>(spec: CallSpec<T>): Promise<T> {
    // After an ambiguous failure the next attempt first asks `recover` whether the call landed, and posts again only
    // on a clear "no". A check that itself fails is asked again on the next attempt instead of being read as "no"
    // (that read posted a reply twice whenever the check failed); out of attempts, the error goes to the caller,
    // whose job retries: a reply is delayed, never lost.
    let unsure = false;
    for (let attempt = 1; ; attempt++) {
      try {
        if (unsure) {
          const landed = await spec.recover!();
          unsure = false;
          if (landed !== undefined) return landed;
        }
        return await this.once(spec);
      } catch (err) {
        const error = err instanceof ChatwootError ? err : new ChatwootError('UPSTREAM_BAD_RESPONSE', String(err), { cause: err });
        if (!error.retryable || spec.retry === 'never' || attempt >= this.policy.attempts) throw error;
        if ((error.retryAfterMs ?? 0) > this.policy.maxRetryAfterMs) throw error;
        if (spec.retry === 'if-not-applied' && !error.certainlyNotApplied && !unsure) {
          if (!spec.recover) throw error;
          // a timed-out call may still be running on Chatwoot's side: the check comes after the backoff, so a slow
          // write has had time to land
          unsure = true;
        }
        const delayMs = this.backoff(attempt, error.retryAfterMs);
        this.options.onRetry?.({ what: spec.what, attempt, delayMs, error });
        await this.sleep(delayMs);
      }
    }
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return retryAfterMs;
    const cap = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(cap / 2 + (this.random() * cap) / 2); // "equal jitter": never zero, never above the cap
  }

  private url(path: string, query?: CallSpec<unknown>['query']): string {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private async once<T>(spec: CallSpec<T>): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', [this.options.tokenHeader ?? 'api_access_token']: this.options.token };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(this.url(spec.path, spec.query), {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
      if (timedOut) throw new ChatwootError('UPSTREAM_TIMEOUT', `Chatwoot did not answer ${spec.what} in time`, { cause: err });
      // Only a connection never made is "certainly not applied" (a write may be repeated at once). One lost after the
      // request went out may have been applied: reported as reached without a status (upstreamStatus 0), so that a
      // write is checked for before it is repeated (RetryMode 'if-not-applied'), never blindly posted twice.
      const code = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
      throw new ChatwootError('UPSTREAM_UNAVAILABLE', `Chatwoot is unreachable for ${spec.what}: ${(err as Error).message}`, {
        cause: err,
        ...(code !== undefined && NOT_CONNECTED.has(code) ? {} : { upstreamStatus: 0 }),
      });
    }
    const text = await res.text();
    const body = parseBody(text, res.headers.get('content-type'));
    if (!res.ok) throw errorFromResponse(res.status, body, res.headers.get('retry-after'), spec.what);
    const parsed = spec.schema.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      throw new ChatwootError('UPSTREAM_BAD_RESPONSE', `Chatwoot answered ${spec.what} with an unexpected body (${issues})`, { upstreamStatus: res.status });
    }
    return parsed.data;
  }
}

/** Socket errors meaning no connection was made, so no request can have reached Chatwoot. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function parseBody(text: string, contentType: string | null): unknown {
  if (!text) return undefined;
  if (!contentType?.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
