import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Credentials are redacted wherever they appear; message bodies are only ever
 * logged at debug level by the code that owns them, so info-level logs carry ids, never content.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-chatwoot-signature"]',
  'req.headers["api_access_token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.bot_token',
  '*.bot_secret',
  '*.access_token',
  '*.refresh_token',
  '*.key',
];

/**
 * Content scrubbing (PII in free text) is a business capability, so the platform only offers the hook:
 * the safety module registers its scrubber at boot, and every logger — created before or after — uses it.
 */
type LogScrubber = (value: unknown) => unknown;
let scrubber: LogScrubber | null = null;
export function setLogScrubber(scrub: LogScrubber | null): void {
  scrubber = scrub;
}

/**
 * Trace correlation is the same kind of hook: tracing (loaded lazily, only when enabled) registers the
 * function that returns the active span's ids, and every log line written inside a span carries them.
 */
type TraceFields = () => Record<string, string> | undefined;
let traceFields: TraceFields | null = null;
export function setLogTraceFields(fields: TraceFields | null): void {
  traceFields = fields;
}

export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    mixin: () => traceFields?.() ?? {},
    base: { service: 'atrium', ...base },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (object) => (scrubber ? (scrubber(object) as Record<string, unknown>) : object) },
    hooks: {
      logMethod(args, method) {
        if (!scrubber) return method.apply(this, args);
        const scrub = scrubber;
        return method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
