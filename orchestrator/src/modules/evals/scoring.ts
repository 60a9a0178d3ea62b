import type { AssistantReply } from './assistant-port';
import type { GoldenCase } from './evals.schema';

const tokens = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKC')
    .match(/[\p{L}\p{N}]+/gu) ?? [];
const STOP = new Set(['the', 'and', 'for', 'are', 'with', 'that', 'this', 'you', 'your', 'our', 'from', 'within', 'der', 'die', 'das', 'und', 'les', 'des']);

/**
 * A fact is present when the answer contains it verbatim or contains every content word of it (numbers
 * included), so "refunds within 30 days" matches "you can get a refund within 30 days" only if "refunds"
 * also appears: deliberately strict, because a lenient judge hides regressions.
 */
export function factPresent(answer: string, fact: string): boolean {
  const a = tokens(answer);
  const f = tokens(fact);
  if (a.join(' ').includes(f.join(' '))) return true;
  const set = new Set(a);
  const content = f.filter((t) => /\d/.test(t) || (t.length > 2 && !STOP.has(t)));
  return content.length > 0 && content.every((t) => set.has(t));
}

export function citationPresent(reply: AssistantReply, expected: string): boolean {
  const e = expected.toLowerCase();
  return reply.citations.some((c) => c.document_id === expected || c.title.toLowerCase().includes(e) || (c.url ?? '').toLowerCase() === e);
}

export interface CaseScore {
  passed: boolean;
  score: number;
  details: {
    facts?: { expected: number; found: string[]; missing: string[] };
    citations?: { expected: number; found: string[]; missing: string[] };
    no_answer: boolean;
    blocked: boolean;
  };
}

/**
 * Score of one golden case in [0, 1]: mean of fact recall and citation recall (those the case specifies). A case
 * with neither expects just an answer. Passed = everything expected was there.
 */
export function scoreCase(c: GoldenCase, reply: AssistantReply): CaseScore {
  const parts: number[] = [];
  const details: CaseScore['details'] = { no_answer: reply.noAnswer, blocked: reply.blocked };
  if (c.expected_facts?.length) {
    const found = c.expected_facts.filter((f) => factPresent(reply.text, f));
    details.facts = { expected: c.expected_facts.length, found, missing: c.expected_facts.filter((f) => !found.includes(f)) };
    parts.push(found.length / c.expected_facts.length);
  }
  if (c.expected_citations?.length) {
    const found = c.expected_citations.filter((x) => citationPresent(reply, x));
    details.citations = { expected: c.expected_citations.length, found, missing: c.expected_citations.filter((x) => !found.includes(x)) };
    parts.push(found.length / c.expected_citations.length);
  }
  if (!parts.length) parts.push(reply.noAnswer || reply.blocked ? 0 : 1);
  const score = Math.round((parts.reduce((s, p) => s + p, 0) / parts.length) * 10_000) / 10_000;
  return { passed: score === 1, score, details };
}
