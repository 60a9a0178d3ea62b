import type { ScanResult } from './commands/scan-text';
import type { ScanResponse } from './safety.api';

/** Allowlists the scan answer: offsets and labels, never a copy of the matched text besides `redacted`. */
export function presentScan(result: ScanResult): ScanResponse {
  return {
    direction: result.direction,
    injection: { detected: result.injection.detected, score: result.injection.score, cues: result.injection.cues },
    pii: result.pii.map((p) => ({ type: p.type, start: p.start, end: p.end, score: Math.round(p.score * 100) / 100 })),
    secrets: result.secrets.map((s) => ({ type: s.type, start: s.start, end: s.end })),
    dlp: result.dlp.map((d) => ({ rule_id: d.ruleId, action: d.action, start: d.start, end: d.end })),
    topics: result.topics.map((t) => ({ kind: t.kind, topic_id: t.topicId })),
    redacted: result.redacted,
    actions: result.actions,
  };
}
