import type { Attributes, Span } from '@opentelemetry/api';

/**
 * Span helpers for the code paths auto-instrumentation cannot see (jobs, model calls). Even the
 * OpenTelemetry API is only imported by `startTracing` and handed over here: with tracing off these
 * helpers cost one null check and load nothing (start-up time matters more than a no-op facade).
 *
 * Attributes carry ids, sizes, token counts and names — never message bodies, prompts or error messages
 * (those can quote user text).
 */
type OtelApi = typeof import('@opentelemetry/api');
let api: OtelApi | null = null;

/** Called by `startTracing` once the SDK is registered. */
export function enableSpans(otel: OtelApi): void {
  api = otel;
}

const tracer = (otel: OtelApi) => otel.trace.getTracer('atrium');

/** W3C trace-context headers (`traceparent`, `tracestate`) carried inside a job's data. */
export type TraceCarrier = Record<string, string>;

/** The key under which a job's data carries its enqueuer's trace context. */
export const TRACE_CARRIER_KEY = '_trace';

/** The active trace context as a carrier, or undefined when no span is recording (tracing off). */
export function activeTraceCarrier(): TraceCarrier | undefined {
  if (!api?.trace.getActiveSpan()?.isRecording()) return undefined;
  const carrier: TraceCarrier = {};
  api.propagation.inject(api.context.active(), carrier);
  return Object.keys(carrier).length ? carrier : undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Job data with the active trace context attached (object payloads only; others go as they are). */
export function withTraceCarrier<P>(payload: P): P {
  const carrier = activeTraceCarrier();
  return carrier && isPlainObject(payload) ? ({ ...payload, [TRACE_CARRIER_KEY]: carrier } as P) : payload;
}

/** Splits job data into the payload the handler validates and the enqueuer's trace context. */
export function takeTraceCarrier(data: unknown): { payload: unknown; carrier?: TraceCarrier } {
  if (!isPlainObject(data) || !(TRACE_CARRIER_KEY in data)) return { payload: data };
  const { [TRACE_CARRIER_KEY]: carrier, ...payload } = data;
  return { payload, carrier: isPlainObject(carrier) ? (carrier as TraceCarrier) : undefined };
}

function fail(otel: OtelApi, span: Span, error: unknown): void {
  // the error's class, not its message: messages can quote the text being processed
  span.setAttribute('error.type', error instanceof Error ? ('code' in error && typeof error.code === 'string' && error.code) || error.name : typeof error);
  span.setStatus({ code: otel.SpanStatusCode.ERROR });
}

/** Runs a job handler in a consumer span whose parent is the enqueuer's span (a root span without one). */
export function runJobSpan<T>(name: string, carrier: TraceCarrier | undefined, attributes: Attributes, run: () => Promise<T>): Promise<T> {
  const otel = api;
  if (!otel) return run();
  const parent = carrier ? otel.propagation.extract(otel.ROOT_CONTEXT, carrier) : otel.ROOT_CONTEXT;
  const kind = otel.SpanKind.CONSUMER;
  const all = { 'messaging.system': 'atrium', 'messaging.operation.name': 'process', 'atrium.job.name': name, ...attributes };
  return tracer(otel).startActiveSpan(`job ${name}`, { kind, attributes: all }, parent, async (span) => {
    try {
      return await run();
    } catch (error) {
      fail(otel, span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

export interface ModelCallResult {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  finishReason?: string;
  costUsd?: number;
}

/**
 * One model call (GenAI semantic conventions): provider, model, token counts and latency. Started in the
 * caller's context, so it is a child of the request or job span; `end` or `fail` exactly once, `close`
 * ends it if neither ran (a stream abandoned by its consumer).
 */
export interface ModelSpan {
  end(result: ModelCallResult): void;
  fail(error: unknown): void;
  close(): void;
}

const NO_SPAN: ModelSpan = { end() {}, fail() {}, close() {} };

export function startModelSpan(operation: 'chat' | 'stream'): ModelSpan {
  const otel = api;
  if (!otel) return NO_SPAN;
  const started = performance.now();
  const attributes = { 'gen_ai.operation.name': 'chat', 'atrium.model.streamed': operation === 'stream' };
  const span = tracer(otel).startSpan('chat', { kind: otel.SpanKind.CLIENT, attributes });
  let open = true;
  const finish = () => {
    span.setAttribute('atrium.model.latency_ms', Math.round(performance.now() - started));
    span.end();
    open = false;
  };
  return {
    end(result) {
      if (!open) return;
      span.updateName(`chat ${result.model}`);
      span.setAttributes({
        'gen_ai.provider.name': result.provider,
        'gen_ai.system': result.provider,
        'gen_ai.response.model': result.model,
        'gen_ai.usage.input_tokens': result.inputTokens,
        'gen_ai.usage.output_tokens': result.outputTokens,
        ...(result.finishReason ? { 'gen_ai.response.finish_reasons': [result.finishReason] } : {}),
        ...(result.costUsd ? { 'atrium.model.cost_usd': result.costUsd } : {}),
      });
      finish();
    },
    fail(error) {
      if (!open) return;
      fail(otel, span, error);
      finish();
    },
    close() {
      if (open) finish();
    },
  };
}
