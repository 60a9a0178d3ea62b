import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How Atrium signs a tool call to an n8n webhook (and any HTTP tool endpoint), so the workflow can tell a
 * genuine call from a forged one and refuse replays:
 *   x-atrium-timestamp: unix seconds
 *   x-atrium-signature: v1=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 * The scheme mirrors Chatwoot's and Stripe's (timestamp bound into the MAC, timing-safe compare).
 */
export const TIMESTAMP_HEADER = 'x-atrium-timestamp';
export const SIGNATURE_HEADER = 'x-atrium-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const mac = (secret: string, timestamp: string, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export function signToolCall(secret: string, body: string, now: Date = new Date()): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `v1=${mac(secret, timestamp, body)}` };
}

export type SignatureProblem = 'missing' | 'stale' | 'mismatch';

/** Verifies a signed call; returns null when genuine, else what is wrong. */
export function verifyToolCall(
  secret: string,
  body: string,
  headers: Record<string, string | string[] | undefined>,
  options: { now?: Date; toleranceSeconds?: number } = {},
): SignatureProblem | null {
  const pick = (name: string) => {
    const v = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  };
  const timestamp = pick(TIMESTAMP_HEADER);
  const signature = pick(SIGNATURE_HEADER);
  if (!timestamp || !signature?.startsWith('v1=')) return 'missing';
  const age = Math.abs((options.now ?? new Date()).getTime() / 1000 - Number(timestamp));
  if (!Number.isFinite(age) || age > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return 'stale';
  const expected = Buffer.from(mac(secret, timestamp, body), 'hex');
  const given = Buffer.from(signature.slice(3), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given) ? null : 'mismatch';
}
