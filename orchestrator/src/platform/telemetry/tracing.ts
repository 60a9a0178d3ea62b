import { ClientRequest } from 'node:http';
import { createRequire } from 'node:module';
import type { Config } from '../config';
import { setLogTraceFields, type Logger } from '../logger';
import { enableSpans } from './spans';

export interface Tracing {
  /** Exports every finished span now (call before exit; the batch processor otherwise waits up to 5 s). */
  flush(): Promise<void>;
}

let started: Promise<Tracing | null> | undefined;

/**
 * OpenTelemetry traces, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Off means nothing is loaded: the
 * SDK, exporter and instrumentations are imported here, lazily, so start-up without tracing pays nothing.
 * Once per process (a process has one tracer provider); later calls return the same handle.
 */
export function startTracing(config: Config, log?: Logger): Promise<Tracing | null> {
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return Promise.resolve(null);
  started ??= load(config.OTEL_EXPORTER_OTLP_ENDPOINT).then(
    (tracing) => {
      log?.info({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing on');
      return tracing;
    },
    (error: unknown) => {
      // observability must never take the service down: run untraced and say so
      log?.error({ err: error }, 'tracing failed to start; running without traces');
      return null;
    },
  );
  return started;
}

/** Flushes spans if tracing was started (no-op otherwise). */
export async function flushTracing(): Promise<void> {
  await (await started)?.flush();
}

/** Drops the query string: search queries and similar parameters can carry user text. */
const withoutQuery = (url: string | undefined) => (url ?? '').split('?')[0]!;

// Versions pinned in package.json: the 2.x SDK / 0.223 instrumentation line is the last whose `engines` accept Node 20 (later ones need ≥ 22.15).
async function load(endpoint: string): Promise<Tracing> {
  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
    { registerInstrumentations },
    httpI,
    expressI,
    pgI,
    redisI,
    api,
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/api'),
  ]);
  // OTEL_EXPORTER_OTLP_ENDPOINT is the collector's base URL; the OTLP/HTTP spec puts traces under /v1/traces
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'atrium', 'process.pid': process.pid }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  const quiet = new Set(['/health', '/ready', '/metrics']);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new httpI.HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => quiet.has(withoutQuery(req.url)),
        // query strings can carry user text (search terms, e-mail look-ups): keep only the path
        applyCustomAttributesOnSpan: (span, req) => {
          if (req instanceof ClientRequest) {
            if (req.path.includes('?')) span.setAttribute('url.full', `${req.protocol}//${req.host}${withoutQuery(req.path)}`);
          } else if (req.url?.includes('?')) span.setAttribute('url.query', '[redacted]');
        },
      }),
      new expressI.ExpressInstrumentation(),
      // statements are parameterised SQL; values (message text) are never attached
      new pgI.PgInstrumentation({ enhancedDatabaseReporting: false }),
      // BullMQ polls Redis constantly: only commands issued inside a traced operation become spans
      new redisI.IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  patchLoadedModules();
  enableSpans(api);
  setLogTraceFields(() => {
    const span = api.trace.getActiveSpan();
    if (!span) return undefined;
    const { traceId, spanId } = span.spanContext();
    return { trace_id: traceId, span_id: spanId };
  });
  return { flush: () => provider.forceFlush() };
}

/**
 * Instrumentations patch a module when it is required. Tracing starts after the app's static imports
 * (that is what keeps it lazy), so require each target once more: the hooks then patch the already
 * loaded exports in place (ESM imports of these CommonJS packages share the same objects).
 */
function patchLoadedModules(): void {
  const require = createRequire(import.meta.url);
  const pgRequire = createRequire(require.resolve('pg'));
  for (const [req, id] of [
    [require, 'http'],
    [require, 'https'],
    [require, 'express'],
    [require, 'pg'],
    [pgRequire, 'pg-pool'],
    [require, 'ioredis'],
  ] as const) {
    try {
      req(id);
    } catch {
      // an optional target that is not installed is simply not traced
    }
  }
}
