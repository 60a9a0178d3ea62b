/**
 * Keeps PII and credentials out of logs. `redactLogString` masks structured identifiers and secrets in
 * a string (regex-only detectors, microseconds per line, so it can run on every log call);
 * `redactLogValue` walks objects with bounded depth and size. The safety module registers it as the
 * platform logger's scrubber at boot; `piiLogRedaction()` gives the same as pino options.
 */
import type { LoggerOptions } from 'pino';
import { detectPii } from './pii/detect-pii';
import { redactSpans, type RedactionSpan } from './redact';
import type { PiiEntityType } from './safety.schema';
import { scanSecrets } from './secrets';

const LOG_TYPES: readonly PiiEntityType[] = ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'UK_NINO', 'DE_TAX_ID', 'IP_ADDRESS'];
const MAX_STRING = 20_000;
const MAX_DEPTH = 6;
const MAX_KEYS = 200;
// Fields that hold identifiers Atrium itself generates (uuids, request ids, timestamps): not PII.
const SKIP_KEYS = new Set(['time', 'level', 'pid', 'hostname', 'requestId', 'reqId', 'req_id', 'tenantId', 'tenant_id', 'id', 'responseTime', 'statusCode']);

export function redactLogString(value: string): string {
  // Cheap pre-check: every structured identifier and secret we mask contains a digit, "@" or a key prefix.
  if (!/[\d@]|eyJ|-----BEGIN|sk-|xox|gh[pousr]_/.test(value)) return value;
  const text = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[truncated]` : value;
  const spans: RedactionSpan[] = [
    ...detectPii(text, { types: LOG_TYPES, minScore: 0.5 }).map((p) => ({ start: p.start, end: p.end, label: p.type })),
    ...scanSecrets(text).map((s) => ({ start: s.start, end: s.end, label: 'SECRET' })),
  ];
  return spans.length ? redactSpans(text, spans, 'mask') : text;
}

export function redactLogValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactLogString(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (value instanceof Error) return { type: value.name, message: redactLogString(value.message), stack: value.stack && redactLogString(value.stack) };
  if (Array.isArray(value)) return value.slice(0, MAX_KEYS).map((v) => redactLogValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value).slice(0, MAX_KEYS)) out[key] = SKIP_KEYS.has(key) ? v : redactLogValue(v, depth + 1);
  return out;
}

/** pino options applying the same scrubbing, for loggers created outside the platform logger. */
export function piiLogRedaction(): Pick<LoggerOptions, 'formatters' | 'hooks'> {
  return {
    formatters: { log: (object) => redactLogValue(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => redactLogValue(a)) as Parameters<typeof method>);
      },
    },
  };
}
