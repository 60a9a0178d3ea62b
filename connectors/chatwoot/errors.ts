/**
 * Stable codes for everything that can go wrong talking to Chatwoot. The orchestrator maps a ChatwootError to its
 * AppError with the same code (connectors cannot depend on the orchestrator), mirroring `@atrium/connectors/llm`.
 */
export type ChatwootErrorCode =
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_BAD_RESPONSE'
  /** 401: bad token, bot outside its allow-list, or not a member of the account (README §2) */
  | 'UPSTREAM_UNAUTHORIZED'
  /** 404: the conversation/bot/agent no longer exists in Chatwoot */
  | 'UPSTREAM_NOT_FOUND'
  /** 402/403/422 and other 4xx: Chatwoot refused the request itself; retrying will not help */
  | 'UPSTREAM_REJECTED'
  | 'VALIDATION';

const STATUS: Record<ChatwootErrorCode, number> = {
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_RATE_LIMITED: 503,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_BAD_RESPONSE: 502,
  UPSTREAM_UNAUTHORIZED: 502,
  UPSTREAM_NOT_FOUND: 502,
  UPSTREAM_REJECTED: 502,
  VALIDATION: 400,
};

export class ChatwootError extends Error {
  readonly code: ChatwootErrorCode;
  /** status an HTTP API should answer when this error escapes a request */
  readonly status: number;
  readonly upstreamStatus?: number;
  readonly retryAfterMs?: number;
  /** Chatwoot's `{"error": "..."}` message, when it sent one */
  readonly upstreamMessage?: string;

  constructor(
    code: ChatwootErrorCode,
    message: string,
    options: { upstreamStatus?: number; retryAfterMs?: number; upstreamMessage?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ChatwootError';
    this.code = code;
    this.status = STATUS[code];
    this.upstreamStatus = options.upstreamStatus;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamMessage = options.upstreamMessage;
  }

  /** Worth another try after a pause (the request may or may not have been applied for 5xx/timeouts). */
  get retryable(): boolean {
    return this.code === 'UPSTREAM_RATE_LIMITED' || this.code === 'UPSTREAM_UNAVAILABLE' || this.code === 'UPSTREAM_TIMEOUT';
  }

  /**
   * Chatwoot certainly did not apply the request: 429 comes from Rack::Attack before the controller (README §7),
   * and a refused connection never reached it. 5xx and timeouts are ambiguous.
   */
  get certainlyNotApplied(): boolean {
    return this.code === 'UPSTREAM_RATE_LIMITED' || (this.code === 'UPSTREAM_UNAVAILABLE' && this.upstreamStatus === undefined);
  }
}

export const isChatwootError = (e: unknown): e is ChatwootError => e instanceof ChatwootError;

/** Retry-After in seconds or as an HTTP date, as milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function errorFromResponse(status: number, body: unknown, retryAfter: string | null, what: string): ChatwootError {
  const upstreamMessage =
    typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string'
      ? (body as { error: string }).error
      : typeof body === 'string' && body.length < 200
        ? body.trim()
        : undefined;
  const detail = upstreamMessage ? `: ${upstreamMessage}` : '';
  const options = { upstreamStatus: status, upstreamMessage };
  if (status === 429) {
    return new ChatwootError('UPSTREAM_RATE_LIMITED', `Chatwoot rate-limited ${what}`, { ...options, retryAfterMs: parseRetryAfter(retryAfter) });
  }
  if (status === 401) return new ChatwootError('UPSTREAM_UNAUTHORIZED', `Chatwoot refused the token for ${what}${detail}`, options);
  if (status === 404) return new ChatwootError('UPSTREAM_NOT_FOUND', `Chatwoot has no such resource for ${what}${detail}`, options);
  if (status >= 500) return new ChatwootError('UPSTREAM_UNAVAILABLE', `Chatwoot failed ${what} with HTTP ${status}${detail}`, options);
  return new ChatwootError('UPSTREAM_REJECTED', `Chatwoot rejected ${what} with HTTP ${status}${detail}`, options);
}
