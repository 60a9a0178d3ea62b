import { describe, expect, it } from 'vitest';
import { redactSpans } from './redact';

const text = 'Mail jane@example.com or call +49 30 901820.';
const spans = [
  { start: 5, end: 21, label: 'EMAIL_ADDRESS' },
  { start: 30, end: 43, label: 'PHONE_NUMBER' },
];

describe('redactSpans', () => {
  it('masks with the entity label', () => {
    expect(redactSpans(text, spans, 'mask')).toBe('Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>.');
  });

  it('partial keeps only the last four characters of long values', () => {
    expect(redactSpans(text, spans, 'partial')).toBe('Mail ************.com or call *********1820.');
  });

  it('hash gives the same placeholder for the same value and different ones otherwise', () => {
    const once = redactSpans(
      'a@b.de and a@b.de and c@d.de',
      [
        { start: 0, end: 6, label: 'EMAIL_ADDRESS' },
        { start: 11, end: 17, label: 'EMAIL_ADDRESS' },
        { start: 22, end: 28, label: 'EMAIL_ADDRESS' },
      ],
      'hash',
    );
    const [first, second, third] = once.split(' and ');
    expect(first).toBe(second);
    expect(first).not.toBe(third);
    expect(first).toMatch(/^<EMAIL_ADDRESS:[0-9a-f]{10}>$/);
  });

  it('merges overlapping spans so nothing is half-replaced', () => {
    expect(
      redactSpans(
        'secret: abcdef123',
        [
          { start: 8, end: 14, label: 'SECRET' },
          { start: 10, end: 17, label: 'DLP:x' },
        ],
        'mask',
      ),
    ).toBe('secret: <SECRET>');
  });
});
