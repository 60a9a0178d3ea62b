import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Chatwoot's delivery signature (README §1.8, `lib/webhooks/trigger.rb`), used by agent bots (≥ 4.13) and account
 * webhooks (≥ 4.11.2): `X-Chatwoot-Signature: sha256=<lowercase hex HMAC-SHA256(secret, "<ts>.<raw body>")>` with
 * `X-Chatwoot-Timestamp: <unix seconds>`. The sender has no replay protection, so the receiver bounds the timestamp
 * and deduplicates on `X-Chatwoot-Delivery` (which Chatwoot reuses across its own retries).
 */
export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export interface VerifySignatureInput {
  /** the exact bytes received — never a re-serialization (Rails escapes <, >, & as \u003c…) */
  rawBody: Buffer | Uint8Array | string;
  headers: HeaderBag;
  /** one secret, or several during a rotation (any may match) */
  secret: string | readonly string[];
  /** maximum |now − timestamp|; Chatwoot suggests about 300 s */
  toleranceSeconds?: number;
  /** ms since epoch; injectable for tests */
  now?: number;
}

export type SignatureFailure = 'missing_signature' | 'missing_timestamp' | 'malformed_signature' | 'malformed_timestamp' | 'stale_timestamp' | 'mismatch';

export type SignatureVerdict = { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure };

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

export function computeChatwootSignature(secret: string, timestamp: number | string, rawBody: Buffer | Uint8Array | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

export function verifyChatwootSignature(input: VerifySignatureInput): SignatureVerdict {
  const signature = headerValue(input.headers, 'x-chatwoot-signature');
  const timestampRaw = headerValue(input.headers, 'x-chatwoot-timestamp');
  if (!signature) return { ok: false, reason: 'missing_signature' };
  if (!timestampRaw) return { ok: false, reason: 'missing_timestamp' };
  const match = SIGNATURE.exec(signature.trim().toLowerCase());
  if (!match) return { ok: false, reason: 'malformed_signature' };
  if (!/^\d{1,12}$/.test(timestampRaw.trim())) return { ok: false, reason: 'malformed_timestamp' };
  const timestamp = Number(timestampRaw.trim());
  const nowSeconds = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > (input.toleranceSeconds ?? 300)) return { ok: false, reason: 'stale_timestamp' };
  const received = Buffer.from(match[1]!, 'hex');
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  let matched = false;
  for (const secret of secrets) {
    if (!secret) continue;
    const expected = Buffer.from(computeChatwootSignature(secret, timestampRaw.trim(), input.rawBody), 'hex');
    // check every secret (no early exit) so timing does not reveal which one matched
    if (timingSafeEqual(expected, received)) matched = true;
  }
  return matched ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
