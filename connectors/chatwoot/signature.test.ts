import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyChatwootSignature } from './signature';

const secret = 'q7WcPzXh3LmN8kRtY2vB5dFs';
const now = Date.UTC(2026, 6, 28, 10, 15, 30);
const ts = Math.floor(now / 1000);
/** Rails-escaped JSON: the signature covers these exact bytes (README §1.6). */
const rawBody = '{"content":"a \\u003cb\\u003e \\u0026 ü","event":"message_created"}';
const sign = (body: string, t: number, key = secret) => `sha256=${createHmac('sha256', key).update(`${t}.${body}`).digest('hex')}`;
const headers = (signature: string | undefined, t: number | string | null = ts) => ({
  'x-chatwoot-signature': signature,
  'x-chatwoot-timestamp': t === null ? undefined : String(t),
  'x-chatwoot-delivery': 'd-1',
});

describe('verifyChatwootSignature', () => {
  it('accepts sha256=HMAC(secret, "<timestamp>.<raw body>") over the raw bytes', () => {
    expect(verifyChatwootSignature({ rawBody: Buffer.from(rawBody), headers: headers(sign(rawBody, ts)), secret, now })).toEqual({ ok: true, timestamp: ts });
  });

  it('rejects the same JSON re-serialized (unescaped), because the bytes differ', () => {
    const reserialized = JSON.stringify(JSON.parse(rawBody));
    expect(verifyChatwootSignature({ rawBody: reserialized, headers: headers(sign(rawBody, ts)), secret, now })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('names what is wrong with an unusable request', () => {
    const verify = (h: ReturnType<typeof headers>) => verifyChatwootSignature({ rawBody, headers: h, secret, now });
    expect(verify(headers(undefined))).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verify(headers(sign(rawBody, ts), null))).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(verify(headers('md5=abc'))).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(verify(headers(sign(rawBody, ts), 'yesterday'))).toEqual({ ok: false, reason: 'malformed_timestamp' });
    expect(verify(headers(sign(rawBody, ts, 'other-secret')))).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a correctly signed delivery outside the tolerance window, in both directions', () => {
    for (const t of [ts - 301, ts + 301]) {
      expect(verifyChatwootSignature({ rawBody, headers: headers(sign(rawBody, t), t), secret, now, toleranceSeconds: 300 })).toEqual({
        ok: false,
        reason: 'stale_timestamp',
      });
    }
    expect(verifyChatwootSignature({ rawBody, headers: headers(sign(rawBody, ts - 300), ts - 300), secret, now, toleranceSeconds: 300 }).ok).toBe(true);
  });

  it('accepts either secret during a rotation and reads Fetch Headers too', () => {
    const h = new Headers({ 'X-Chatwoot-Signature': sign(rawBody, ts, 'new-secret'), 'X-Chatwoot-Timestamp': String(ts) });
    expect(verifyChatwootSignature({ rawBody, headers: h, secret: [secret, 'new-secret'], now }).ok).toBe(true);
    expect(verifyChatwootSignature({ rawBody, headers: h, secret: [secret, ''], now }).ok).toBe(false);
  });
});
