import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors';
import { applyDlpRules, compileDlpRules, validateDlpPattern } from './dlp';
import { DlpRule } from './safety.schema';

const rule = (input: Partial<DlpRule> & { pattern: string }) => DlpRule.parse({ id: 'r1', action: 'redact', ...input });

describe('DLP rules', () => {
  it('finds every match of a rule in the directions it applies to', () => {
    const rules = compileDlpRules([rule({ pattern: 'ORD-\\d{6}', directions: ['output'] })]);
    expect(applyDlpRules('see ORD-123456 and ord-654321', rules, 'output')).toEqual([
      { ruleId: 'r1', action: 'redact', start: 4, end: 14 },
      { ruleId: 'r1', action: 'redact', start: 19, end: 29 },
    ]);
    expect(applyDlpRules('see ORD-123456', rules, 'input')).toEqual([]);
  });

  it('rejects an invalid pattern with a VALIDATION error naming the rule', () => {
    try {
      compileDlpRules([rule({ id: 'broken', pattern: '(unclosed' })]);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('VALIDATION');
      expect((error as AppError).message).toContain('dlp rule "broken"');
    }
    expect(validateDlpPattern('(?<=x)y')).toMatch(/invalid|error/i);
    expect(validateDlpPattern('[A-Z]{2}\\d+')).toBeNull();
  });

  it('runs a classic catastrophic-backtracking pattern to completion (RE2 semantics)', () => {
    const rules = compileDlpRules([rule({ pattern: '(a+)+$', action: 'warn' })]);
    expect(applyDlpRules(`${'a'.repeat(5000)}!`, rules, 'input')).toEqual([]);
    expect(applyDlpRules('xaaa', rules, 'input')).toEqual([{ ruleId: 'r1', action: 'warn', start: 1, end: 4 }]);
  });

  it('refuses unsupported flags at the schema boundary', () => {
    expect(DlpRule.safeParse({ id: 'x', pattern: 'a', action: 'warn', flags: 'g' }).success).toBe(false);
  });
});
