import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ZodError } from 'zod';

/**
 * Stable codes for everything that can go wrong talking to a model. The orchestrator turns an
 * LlmError into its AppError with the same code; connectors cannot depend on the orchestrator.
 */
export type LlmErrorCode =
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_BAD_RESPONSE'
  /** The provider refused the request itself (400/401/403/404/422): retrying the same model will not help. */
  | 'UPSTREAM_REJECTED'
  /** The caller's AbortSignal fired: no fallback, no retry. */
  | 'REQUEST_ABORTED'
  | 'VALIDATION';

const STATUS: Record<LlmErrorCode, number> = {
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_RATE_LIMITED: 503,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_BAD_RESPONSE: 502,
  UPSTREAM_REJECTED: 502,
  REQUEST_ABORTED: 499,
  VALIDATION: 400,
};

export class LlmError extends Error {
  readonly code: LlmErrorCode;
  readonly status: number;
  /** Upstream HTTP status, when there was one. */
  readonly upstreamStatus?: number;
  readonly retryAfterMs?: number;
  readonly details?: Record<string, unknown>;

  constructor(
    code: LlmErrorCode,
    message: string,
    options: { upstreamStatus?: number; retryAfterMs?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'LlmError';
    this.code = code;
    this.status = STATUS[code];
    this.upstreamStatus = options.upstreamStatus;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  /** Worth another try on the same model after a pause. */
  get retryable(): boolean {
    return this.code === 'UPSTREAM_RATE_LIMITED' || this.code === 'UPSTREAM_UNAVAILABLE';
  }

  /** Worth trying the next model in the chain. */
  get fallbackable(): boolean {
    return this.code !== 'REQUEST_ABORTED' && this.code !== 'VALIDATION';
  }

  /** Counts toward opening the model's circuit breaker: the model, not the request, is at fault. */
  get tripsBreaker(): boolean {
    if (this.code === 'UPSTREAM_REJECTED') return this.upstreamStatus === 401 || this.upstreamStatus === 403 || this.upstreamStatus === 404;
    return this.fallbackable;
  }
}

/** Retry-After as milliseconds: OpenAI's `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

type SdkApiError = InstanceType<typeof OpenAI.APIError> | InstanceType<typeof Anthropic.APIError>;

function isSdkError(error: unknown): error is SdkApiError {
  return error instanceof OpenAI.APIError || error instanceof Anthropic.APIError;
}

/** Maps whatever an SDK call threw to an LlmError. `timedOut` says our per-attempt timer fired. */
export function toLlmError(error: unknown, where: { provider: string; model: string; timedOut: boolean; callerAborted: boolean }): LlmError {
  const label = `${where.provider}:${where.model}`;
  if (where.callerAborted) return new LlmError('REQUEST_ABORTED', `request to ${label} was cancelled`, { cause: error });
  if (where.timedOut) return new LlmError('UPSTREAM_TIMEOUT', `${label} did not answer in time`, { cause: error });
  if (error instanceof LlmError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof Anthropic.APIConnectionTimeoutError) {
    return new LlmError('UPSTREAM_TIMEOUT', `${label} did not answer in time`, { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError || error instanceof Anthropic.APIConnectionError) {
    return new LlmError('UPSTREAM_UNAVAILABLE', `${label} could not be reached`, { cause: error });
  }
  if (isSdkError(error) && typeof error.status === 'number') return fromStatus(error, label);
  if (error instanceof ZodError || error instanceof SyntaxError) {
    return new LlmError('UPSTREAM_BAD_RESPONSE', `${label} sent a response that does not match its API`, { cause: error });
  }
  return new LlmError('UPSTREAM_UNAVAILABLE', `${label} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function fromStatus(error: SdkApiError, label: string): LlmError {
  const status = error.status as number;
  const options = { upstreamStatus: status, cause: error };
  if (status === 429) {
    return new LlmError('UPSTREAM_RATE_LIMITED', `${label} is rate limiting`, { ...options, retryAfterMs: retryAfterMs(error.headers) });
  }
  if (status === 408) return new LlmError('UPSTREAM_TIMEOUT', `${label} timed out (408)`, options);
  // 529 is Anthropic's "overloaded"; all 5xx are the provider's trouble.
  if (status >= 500) {
    return new LlmError('UPSTREAM_UNAVAILABLE', `${label} failed with ${status}`, { ...options, retryAfterMs: retryAfterMs(error.headers) });
  }
  return new LlmError('UPSTREAM_REJECTED', `${label} rejected the request (${status})`, options);
}
