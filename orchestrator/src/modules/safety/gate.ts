/**
 * What the chat turn calls: one function per place text crosses a trust boundary. Each returns the
 * decision (redacted text, blocked, escalate), the flags stored on the message and streamed to the
 * client (never the offending text), and the audit payload for the turn's transaction.
 */
import { invalidDlpRules } from './dlp';
import { scanText, type ScanResult } from './commands/scan-text';
import { redactSpans, type RedactionSpan } from './redact';
import type { PiiEntityType, SafetyPolicy, ScanDirection } from './safety.schema';

export type SafetyFlagKind = 'injection' | 'pii' | 'secret' | 'dlp' | 'topic' | 'human_request';
export type SafetyFlagAction = 'redact' | 'block' | 'warn' | 'flag' | 'escalate' | 'drop';

export interface SafetyFlag {
  direction: ScanDirection;
  kind: SafetyFlagKind;
  action: SafetyFlagAction;
  label?: string;
  score?: number;
  chunkId?: string;
}

export interface SafetyDecision {
  redacted: string;
  spans: RedactionSpan[];
  blocked: boolean;
  escalate: boolean;
  flags: SafetyFlag[];
  /** Tenant-configured reply for a refused topic, if any. */
  refusal?: string;
  /** For recordAudit in the caller's transaction; null when nothing was flagged. */
  audit: { action: 'safety.blocked' | 'safety.flagged'; data: { direction: ScanDirection; flags: SafetyFlag[] } } | null;
}

function injectionFlag(scan: ScanResult, policy: SafetyPolicy): SafetyFlag | null {
  if (!scan.injection.detected) return null;
  const { direction } = scan;
  let action: SafetyFlagAction = 'flag';
  if (direction === 'input') {
    action = policy.injection.action === 'off' ? 'flag' : policy.injection.action;
    // graded: a detection short of the block threshold is recorded and the turn goes on (see tenant config)
    if (action === 'block' && scan.injection.score < policy.injection.blockThreshold) action = 'flag';
  } else if ((direction === 'retrieved' || direction === 'tool') && policy.injection.retrievedAction === 'drop') action = 'drop';
  return { direction, kind: 'injection', action, label: scan.injection.cues[0] ?? 'model', score: scan.injection.score };
}

export function flagsOf(scan: ScanResult, policy: SafetyPolicy): SafetyFlag[] {
  const { direction } = scan;
  const flags: SafetyFlag[] = [];
  const injection = injectionFlag(scan, policy);
  if (injection) flags.push(injection);
  const redactTypes = new Set(policy.pii.redact[direction]);
  for (const type of new Set(scan.pii.filter((p) => redactTypes.has(p.type)).map((p) => p.type)))
    flags.push({ direction, kind: 'pii', action: 'redact', label: type });
  if (policy.secrets.action !== 'off') {
    for (const type of new Set(scan.secrets.map((s) => s.type))) flags.push({ direction, kind: 'secret', action: policy.secrets.action, label: type });
  }
  for (const ruleId of new Set(scan.dlp.map((d) => `${d.action}\u0000${d.ruleId}`))) {
    const [action, label] = ruleId.split('\u0000') as [SafetyFlagAction, string];
    flags.push({ direction, kind: 'dlp', action, label });
  }
  for (const topic of scan.topics) {
    if (topic.kind === 'human_request') flags.push({ direction, kind: 'human_request', action: 'escalate', label: 'human_request' });
    else flags.push({ direction, kind: 'topic', action: topic.kind === 'disallowed' ? 'block' : 'escalate', label: topic.topicId });
  }
  return flags;
}

function decide(text: string, direction: ScanDirection, policy: SafetyPolicy): SafetyDecision {
  // Only the entity types the policy redacts in this direction are detected: names and places need
  // the NLP tagger, which the default policy (structured identifiers only) never has to run.
  const scan = scanText({ text, direction, policy, detectTypes: policy.pii.redact[direction], skipInvalidDlp: true });
  const flags = flagsOf(scan, policy);
  for (const ruleId of invalidDlpRules(policy.dlp)) flags.push({ direction, kind: 'dlp', action: 'warn', label: `${ruleId}:invalid-pattern` });
  const blocked = flags.some((f) => f.action === 'block' || f.action === 'drop');
  const escalate = flags.some((f) => f.action === 'escalate');
  const redactTypes = new Set(policy.pii.redact[direction]);
  const spans: RedactionSpan[] = [
    ...scan.pii.filter((p) => redactTypes.has(p.type)).map((p) => ({ start: p.start, end: p.end, label: p.type })),
    ...(policy.secrets.action === 'redact' ? scan.secrets.map((s) => ({ start: s.start, end: s.end, label: 'SECRET' })) : []),
    ...scan.dlp.filter((d) => d.action === 'redact').map((d) => ({ start: d.start, end: d.end, label: `DLP:${d.ruleId}` })),
  ];
  const refusal = scan.topics.find((t) => t.kind === 'disallowed' && t.reply)?.reply;
  return {
    redacted: scan.redacted,
    spans,
    blocked,
    escalate,
    flags,
    ...(refusal ? { refusal } : {}),
    audit: flags.length ? { action: blocked ? 'safety.blocked' : 'safety.flagged', data: { direction, flags } } : null,
  };
}

/** The customer's message, before memory, retrieval and the model see it. */
export const applyInputSafety = (text: string, policy: SafetyPolicy): SafetyDecision => decide(text, 'input', policy);
/** The model's answer (or a prefix of it while streaming), before the customer sees it. */
export const applyOutputSafety = (text: string, policy: SafetyPolicy): SafetyDecision => decide(text, 'output', policy);
/** A retrieved chunk, before it enters the prompt: indirect injection is flagged (or dropped). */
export const scanRetrieved = (text: string, policy: SafetyPolicy): SafetyDecision => decide(text, 'retrieved', policy);
/** Tool output (n8n, HTTP), before the model reads it back. */
export const scanToolOutput = (text: string, policy: SafetyPolicy): SafetyDecision => decide(text, 'tool', policy);

export interface SafetyGate {
  scan(text: string, direction: ScanDirection): SafetyDecision;
  redact(text: string, spans: RedactionSpan[]): string;
  /** Whether the output policy redacts entities written as plain words, which a stream can split with no digit to hold on to. */
  redactsWordsInOutput: boolean;
}

const WORD_ENTITIES = new Set<PiiEntityType>(['PERSON', 'LOCATION', 'ORGANIZATION', 'TITLE', 'NRP']);

/**
 * The chat turn's port (chat/turn/ports.ts SafetyGate) for one tenant policy. A stored DLP rule RE2
 * cannot compile is skipped and reported on every scan as a `dlp`/`warn` flag "<rule>:invalid-pattern",
 * so a misconfiguration is visible without failing customers' conversations.
 */
export function createSafetyGate(policy: SafetyPolicy): SafetyGate {
  return {
    scan: (text, direction) => decide(text, direction, policy),
    redact: (text, spans) => redactSpans(text, spans, policy.pii.strategy),
    redactsWordsInOutput: policy.pii.redact.output.some((type) => WORD_ENTITIES.has(type)),
  };
}
