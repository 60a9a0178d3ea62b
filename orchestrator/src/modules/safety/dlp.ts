/**
 * Tenant-defined DLP rules. Patterns are compiled with re2js (a pure-JS port of RE2, no native build):
 * matching is linear in the input, so a tenant's `(a+)+$` cannot stall the worker (catastrophic
 * backtracking is impossible by construction). RE2 drops backreferences and lookaround; rules using
 * them are rejected with a clear VALIDATION error naming the rule.
 */
import { RE2JS } from 're2js';
import { AppError } from '../../platform/errors';
import type { DlpRule, ScanDirection } from './safety.schema';

export interface CompiledDlpRule {
  rule: DlpRule;
  regex: RE2JS;
}

export interface DlpFinding {
  ruleId: string;
  action: DlpRule['action'];
  start: number;
  end: number;
}

const MAX_MATCHES_PER_RULE = 200;
const cache = new Map<string, RE2JS>();

function compile(rule: DlpRule): RE2JS {
  const key = `${rule.flags}/${rule.pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let flags = 0;
  if (rule.flags.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
  if (rule.flags.includes('m')) flags |= RE2JS.MULTILINE;
  try {
    const regex = RE2JS.compile(rule.pattern, flags);
    if (cache.size > 1000) cache.clear();
    cache.set(key, regex);
    return regex;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new AppError('VALIDATION', `dlp rule "${rule.id}": invalid pattern (${reason})`, {
      details: { ruleId: rule.id, pattern: rule.pattern, reason },
      cause,
    });
  }
}

/**
 * Validates and compiles every rule up front. By default a bad rule throws VALIDATION (scan endpoint,
 * config checks); `skipInvalid` leaves it out instead, for the chat turn, which must not fail because a
 * stored rule uses syntax RE2 lacks (lookaround, backreferences) — gate.ts reports it as a warning flag.
 */
export function compileDlpRules(rules: readonly DlpRule[], options: { skipInvalid?: boolean } = {}): CompiledDlpRule[] {
  const compiled: CompiledDlpRule[] = [];
  for (const rule of rules) {
    if (options.skipInvalid && validateDlpPattern(rule.pattern) !== null) continue;
    compiled.push({ rule, regex: compile(rule) });
  }
  return compiled;
}

/** Ids of rules RE2 cannot compile (flags included). */
export function invalidDlpRules(rules: readonly DlpRule[]): string[] {
  return rules.filter((rule) => validateDlpPattern(rule.pattern) !== null).map((rule) => rule.id);
}

export function applyDlpRules(text: string, rules: readonly CompiledDlpRule[], direction: ScanDirection): DlpFinding[] {
  const findings: DlpFinding[] = [];
  for (const { rule, regex } of rules) {
    if (!rule.directions.includes(direction)) continue;
    const matcher = regex.matcher(text);
    for (let n = 0; n < MAX_MATCHES_PER_RULE && matcher.find(); n++) {
      if (matcher.end() === matcher.start()) continue;
      findings.push({ ruleId: rule.id, action: rule.action, start: matcher.start(), end: matcher.end() });
    }
  }
  return findings;
}

const validity = new Map<string, string | null>();

/** For config validation on save: null when the pattern compiles under RE2, else the reason. Memoised. */
export function validateDlpPattern(pattern: string): string | null {
  const known = validity.get(pattern);
  if (known !== undefined) return known;
  let reason: string | null = null;
  try {
    RE2JS.compile(pattern);
  } catch (cause) {
    reason = cause instanceof Error ? cause.message : String(cause);
  }
  if (validity.size > 1000) validity.clear();
  validity.set(pattern, reason);
  return reason;
}
