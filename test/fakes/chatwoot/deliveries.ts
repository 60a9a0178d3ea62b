import { createHmac, randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * Outbound deliveries exactly as `lib/webhooks/trigger.rb` sends them (README §1.8): JSON body in Rails encoding,
 * `X-Chatwoot-Delivery` generated once and reused across retries, timestamp recomputed per attempt, and
 * `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<ts>.<raw body>")>` when the sender has a secret.
 */
export type DeliveryKind = 'agent_bot' | 'account_webhook';

export interface DeliveryTarget {
  kind: DeliveryKind;
  url: string;
  /** null = an older Chatwoot (< 4.13) or an unsigned webhook: no timestamp/signature headers */
  secret: string | null;
  /** agent bot id or account webhook id */
  ownerId: number;
}

/** How a test wants the delivery tampered with; the default is a faithful, correctly signed delivery. */
export interface DeliveryOptions {
  signature?: 'valid' | 'missing' | 'wrong-secret' | 'malformed';
  /** seconds added to "now" for X-Chatwoot-Timestamp (negative = stale) */
  timestampOffsetSeconds?: number;
  /** reuse an earlier delivery id (a replay, or Chatwoot's own retry) */
  deliveryId?: string;
  /** send these bytes instead of the serialized payload, still signed (for encoding tests) */
  rawBody?: string;
}

export interface DeliveryAttempt {
  status: number | null;
  error?: string;
  timestamp: number;
  durationMs: number;
}

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  target: DeliveryTarget;
  body: string;
  headers: Record<string, string>;
  attempts: DeliveryAttempt[];
  /** the final outcome: true when some attempt got a 2xx */
  delivered: boolean;
}

/** ActiveSupport's JSON encoder escapes <, > and & (README §1.6) — receivers must verify the raw bytes. */
export function railsJson(payload: unknown): string {
  return JSON.stringify(payload).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026');
}

export function chatwootSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function buildDeliveryHeaders(
  target: DeliveryTarget,
  body: string,
  deliveryId: string,
  nowSeconds: number,
  options: DeliveryOptions = {},
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    'x-chatwoot-delivery': deliveryId,
  };
  const mode = options.signature ?? 'valid';
  if (target.secret === null || mode === 'missing') return headers;
  const timestamp = nowSeconds + (options.timestampOffsetSeconds ?? 0);
  headers['x-chatwoot-timestamp'] = String(timestamp);
  if (mode === 'malformed') headers['x-chatwoot-signature'] = 'md5=not-a-signature';
  else headers['x-chatwoot-signature'] = chatwootSignature(mode === 'wrong-secret' ? `${target.secret}x` : target.secret, timestamp, body);
  return headers;
}

export interface SendOptions extends DeliveryOptions {
  timeoutMs: number;
  /** Chatwoot retries agent-bot deliveries on 429/500: 3 attempts, 3 s apart (README §1.8) */
  retryDelayMs: number;
  now: () => number;
  /** the transport; this thread's senders unless given */
  attempt?: AttemptFn;
}

/**
 * Chatwoot sends deliveries from a bounded pool of Sidekiq threads, each with its own open/read timeout — never
 * thousands of requests at once. The fake does the same: a bounded keep-alive pool (FAKE_CHATWOOT_SENDERS), with the
 * attempt's clock and timeout starting when a sender (socket) takes it. With unbounded `fetch`, a backlog piled up as
 * in-flight requests and stalled this process's event loop, so the bench's ack times measured the fake, not Atrium.
 */
const SENDERS = Number(process.env.FAKE_CHATWOOT_SENDERS ?? 50);
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: SENDERS }), https: new HttpsAgent({ keepAlive: true, maxSockets: SENDERS }) };

/** How one attempt is sent: on this thread (`attempt`) or on a sender thread (sender-thread.ts). */
export type AttemptFn = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<DeliveryAttempt>;

export function attempt(url: string, body: string, headers: Record<string, string>, timeoutMs: number, fresh = false): Promise<DeliveryAttempt> {
  const timestamp = Number(headers['x-chatwoot-timestamp'] ?? 0);
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve) => {
    let started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (status: number | null, error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ status, ...(error ? { error } : {}), timestamp, durationMs: performance.now() - started });
    };
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: fresh ? false : secure ? agents.https : agents.http,
      },
      (res) => {
        res.resume(); // Chatwoot ignores the body, but it must be drained to free the socket
        res.on('end', () => finish(res.statusCode ?? null));
        res.on('error', (err) => finish(null, err.message));
      },
    );
    req.on('socket', () => {
      started = performance.now();
      timer = setTimeout(() => req.destroy(new Error('The operation was aborted due to timeout')), timeoutMs);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // an idle keep-alive socket the receiver closed just as it was reused: not a delivery failure (Node's documented retry)
      if (!fresh && req.reusedSocket && err.code === 'ECONNRESET' && !done) {
        done = true;
        clearTimeout(timer);
        return void attempt(url, body, headers, timeoutMs, true).then(resolve);
      }
      finish(null, err.message);
    });
    req.end(body);
  });
}

export async function sendDelivery(target: DeliveryTarget, event: string, payload: unknown, options: SendOptions): Promise<DeliveryRecord> {
  const body = options.rawBody ?? railsJson(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  const record: DeliveryRecord = { deliveryId, event, target, body, headers: {}, attempts: [], delivered: false };
  const maxAttempts = target.kind === 'agent_bot' ? 3 : 1; // account webhooks: no retries (README §4)
  for (let i = 0; i < maxAttempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, options.retryDelayMs));
    record.headers = buildDeliveryHeaders(target, body, deliveryId, Math.floor(options.now() / 1000), options);
    const result = await (options.attempt ?? attempt)(target.url, body, record.headers, options.timeoutMs);
    record.attempts.push(result);
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      record.delivered = true;
      break;
    }
    if (result.status !== 429 && result.status !== 500) break; // only these are RetryableError
  }
  return record;
}
