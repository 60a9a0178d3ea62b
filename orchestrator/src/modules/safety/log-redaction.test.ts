import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, setLogScrubber } from '../../platform/logger';
import { piiLogRedaction, redactLogString, redactLogValue } from './log-redaction';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { lines, stream };
}

describe('log redaction', () => {
  afterEach(() => setLogScrubber(null));

  it('masks structured PII and secrets inside strings', () => {
    expect(redactLogString('user jane@example.com paid with 4111 1111 1111 1111')).toBe('user <EMAIL_ADDRESS> paid with <CREDIT_CARD>');
    expect(redactLogString('no personal data here')).toBe('no personal data here');
  });

  it('walks nested objects but leaves Atrium ids alone', () => {
    const id = '0b5e6c1e-1d2a-4c3b-9a8f-123456789012';
    expect(redactLogValue({ id, body: { messages: [{ content: 'call +1-984-182-0190' }] } })).toEqual({
      id,
      body: { messages: [{ content: 'call <PHONE_NUMBER>' }] },
    });
  });

  it('keeps PII in a logged user message out of the written log line', () => {
    const { lines, stream } = capture();
    const logger = pino({ level: 'info', ...piiLogRedaction() }, stream);
    logger.child({ requestId: 'r1' }).info({ message: { role: 'user', content: 'My IBAN is DE89 3704 0044 0532 0130 00' } }, 'turn from jane@example.com');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('DE89 3704');
    expect(lines[0]).not.toContain('jane@example.com');
    expect(JSON.parse(lines[0]!)).toMatchObject({ requestId: 'r1', msg: 'turn from <EMAIL_ADDRESS>', message: { content: 'My IBAN is <IBAN_CODE>' } });
  });

  it('the platform logger applies a registered scrubber and stops when it is removed', () => {
    const seen: unknown[] = [];
    setLogScrubber((value) => (seen.push(value), value));
    const logger = createLogger('silent');
    logger.level = 'info';
    // pino calls the hooks before writing; the silent→info switch keeps stdout clean of assertions' noise.
    logger.info({ a: 1 }, 'x');
    expect(seen.length).toBeGreaterThan(0);
    setLogScrubber(null);
    seen.length = 0;
    logger.info('y');
    expect(seen).toEqual([]);
  });
});
