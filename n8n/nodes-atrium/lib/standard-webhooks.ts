import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies an Atrium event delivery per the Standard Webhooks spec (https://www.standardwebhooks.com):
 * webhook-signature holds space-separated `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, where
 * key is the base64 part of the whsec_ secret. Timestamps older or newer than 5 minutes are refused (replays).
 */
export function verifyStandardWebhook(secret: string, body: string, headers: Record<string, string | string[] | undefined>, now = Date.now()): boolean {
  const header = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestamp || !signatures) return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
