import { describe, expect, it } from 'vitest';
import { signToolCall, verifyToolCall } from '.';

describe('tool call signatures', () => {
  const secret = 'n8n-shared-secret-for-tests';
  const body = JSON.stringify({ input: { order_id: 'A1001' }, context: { tenant: 'acme' } });

  it('verifies a genuine call and reports forged, tampered and replayed ones', () => {
    const now = new Date('2026-11-22T20:00:00Z');
    const headers = signToolCall(secret, body, now);
    expect(headers['x-atrium-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyToolCall(secret, body, headers, { now })).toBeNull();
    expect(verifyToolCall('another-secret', body, headers, { now })).toBe('mismatch');
    expect(verifyToolCall(secret, body.replace('A1001', 'A9999'), headers, { now })).toBe('mismatch');
    expect(verifyToolCall(secret, body, headers, { now: new Date(now.getTime() + 301_000) })).toBe('stale');
    expect(verifyToolCall(secret, body, {}, { now })).toBe('missing');
  });
});
