/**
 * Redaction strategies. Spans are replaced right-to-left so earlier offsets stay valid; overlapping spans
 * (a secret inside a DLP match) are merged first so nothing is half-replaced.
 */
import { createHash } from 'node:crypto';
import type { RedactionStrategy } from './safety.schema';

export interface RedactionSpan {
  start: number;
  end: number;
  /** Entity or rule label shown in the placeholder, e.g. EMAIL_ADDRESS, SECRET, DLP:order-id. */
  label: string;
}

function placeholder(value: string, label: string, strategy: RedactionStrategy): string {
  switch (strategy) {
    case 'mask':
      return `<${label}>`;
    case 'partial': {
      // Keep the last 4 characters of values long enough that 4 characters do not identify them.
      const keep = value.length >= 10 ? 4 : 0;
      return `${'*'.repeat(Math.max(3, value.length - keep))}${value.slice(value.length - keep)}`;
    }
    case 'hash':
      return `<${label}:${createHash('sha256').update(value).digest('hex').slice(0, 10)}>`;
  }
}

export function mergeSpans(spans: readonly RedactionSpan[]): RedactionSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: RedactionSpan[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

export function redactSpans(text: string, spans: readonly RedactionSpan[], strategy: RedactionStrategy = 'mask'): string {
  let out = text;
  for (const s of mergeSpans(spans).reverse()) {
    out = out.slice(0, s.start) + placeholder(text.slice(s.start, s.end), s.label, strategy) + out.slice(s.end);
  }
  return out;
}
