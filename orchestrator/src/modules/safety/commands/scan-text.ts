/**
 * scanText: one pass of every offline detector over a text, turned into actions by the tenant's policy.
 * Pure and synchronous (no I/O), so the chat turn, the scan endpoint, the log redactor and the benchmark
 * share it. `scanTextWithJudge` adds the optional LLM judge for borderline injection scores.
 */
import { applyDlpRules, compileDlpRules, type DlpFinding } from '../dlp';
import { detectInjection, type InjectionResult } from '../injection/detect-injection';
import { isBorderline, type InjectionJudge } from '../judge';
import { detectPii } from '../pii/detect-pii';
import { redactSpans, type RedactionSpan } from '../redact';
import type { PiiEntityType, PiiSpan, SafetyAction, SafetyPolicy, ScanDirection } from '../safety.schema';
import { scanSecrets, type SecretFinding } from '../secrets';
import { detectTopics, type TopicFinding } from '../topics';

export interface ScanInput {
  text: string;
  direction: ScanDirection;
  policy: SafetyPolicy;
  /** Entity types to detect; defaults to every type (reported), while only policy types are redacted. */
  detectTypes?: readonly PiiEntityType[];
  /** Skip injection detection; default: skipped on model output, where it would decide nothing. */
  skipInjection?: boolean;
  /** Leave out DLP rules RE2 cannot compile instead of throwing VALIDATION (the chat turn's choice). */
  skipInvalidDlp?: boolean;
}

export interface ScanResult {
  direction: ScanDirection;
  injection: InjectionResult & { judged?: boolean };
  pii: PiiSpan[];
  secrets: SecretFinding[];
  dlp: DlpFinding[];
  topics: TopicFinding[];
  redacted: string;
  actions: SafetyAction[];
}

const NOT_CHECKED: InjectionResult = { detected: false, score: 0, cues: [] };

function injectionActions(direction: ScanDirection, policy: SafetyPolicy): SafetyAction[] {
  if (direction === 'input') return policy.injection.action === 'off' ? [] : [policy.injection.action];
  if (direction === 'output') return ['flag'];
  // Retrieved chunks and tool output are data: flag them, or drop them from the prompt ("block").
  return policy.injection.retrievedAction === 'drop' ? ['flag', 'block'] : ['flag'];
}

export function decideActions(scan: Omit<ScanResult, 'actions' | 'redacted'>, policy: SafetyPolicy, redactedAnything: boolean): SafetyAction[] {
  const actions = new Set<SafetyAction>();
  if (scan.injection.detected) for (const a of injectionActions(scan.direction, policy)) actions.add(a);
  if (redactedAnything) actions.add('redact');
  if (scan.secrets.length > 0 && policy.secrets.action !== 'redact' && policy.secrets.action !== 'off') actions.add(policy.secrets.action);
  for (const finding of scan.dlp) actions.add(finding.action);
  for (const topic of scan.topics) {
    if (topic.kind === 'disallowed') actions.add('block');
    else if (scan.direction === 'input') actions.add('escalate');
  }
  return [...actions];
}

export function scanText(input: ScanInput): ScanResult {
  const { text, direction, policy } = input;
  const skipInjection = (input.skipInjection ?? direction === 'output') || policy.injection.action === 'off';
  const injection = skipInjection ? NOT_CHECKED : detectInjection(text, policy.injection.threshold, direction === 'input' ? 'message' : 'document');
  const pii = detectPii(text, { types: input.detectTypes, minScore: policy.pii.minScore });
  const secrets = policy.secrets.action === 'off' ? [] : scanSecrets(text);
  const dlp = applyDlpRules(text, compileDlpRules(policy.dlp, { skipInvalid: input.skipInvalidDlp }), direction);
  // Escalation topics and human requests are about what the customer asks; refusals apply both ways.
  const topics = direction === 'input' || direction === 'output' ? detectTopics(text, policy.topics) : [];
  const visibleTopics = direction === 'output' ? topics.filter((t) => t.kind === 'disallowed') : topics;

  const redactTypes = new Set(policy.pii.redact[direction]);
  const spans: RedactionSpan[] = [
    ...pii.filter((p) => redactTypes.has(p.type)).map((p) => ({ start: p.start, end: p.end, label: p.type })),
    ...(policy.secrets.action === 'redact' ? secrets.map((s) => ({ start: s.start, end: s.end, label: 'SECRET' })) : []),
    ...dlp.filter((d) => d.action === 'redact').map((d) => ({ start: d.start, end: d.end, label: `DLP:${d.ruleId}` })),
  ];
  const redacted = spans.length > 0 ? redactSpans(text, spans, policy.pii.strategy) : text;
  const partial = { direction, injection, pii, secrets, dlp, topics: visibleTopics };
  return { ...partial, redacted, actions: decideActions(partial, policy, spans.length > 0) };
}

/** scanText plus the optional LLM judge, consulted only for borderline injection scores. */
export async function scanTextWithJudge(input: ScanInput, judge?: InjectionJudge): Promise<ScanResult> {
  const result = scanText(input);
  const { policy } = input;
  if (!judge || !policy.judge.enabled || !isBorderline(result.injection.score, policy.judge.minScore, policy.injection.threshold)) return result;
  const verdict = await judge.judge({ text: input.text, direction: input.direction });
  if (!verdict.injection) return result;
  const injection = { ...result.injection, detected: true, score: Math.max(result.injection.score, verdict.score), judged: true };
  const partial = { ...result, injection };
  return { ...partial, actions: decideActions(partial, policy, result.redacted !== input.text) };
}
