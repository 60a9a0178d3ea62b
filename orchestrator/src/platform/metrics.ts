import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** prom-client registry shared by the process; modules register their own series on it. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'atrium_process_' });

export const httpRequestDuration = new Histogram({
  name: 'atrium_http_request_duration_seconds',
  help: 'HTTP request latency by route pattern, method and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const jobFailures = new Counter({
  name: 'atrium_job_failures_total',
  help: 'Job attempts that threw, by job name.',
  labelNames: ['job'] as const,
  registers: [metricsRegistry],
});

export const webhookFailures = new Counter({
  name: 'atrium_webhook_failures_total',
  help: 'Inbound webhook deliveries refused or failed, by source and reason.',
  labelNames: ['source', 'reason'] as const,
  registers: [metricsRegistry],
});

/*
 * Queue depth and age, read from the queue on each scrape (BullMQ keeps the counts in Redis, so every
 * replica reports the same numbers: aggregate with max() by queue, not sum()).
 */
interface QueueStatsSource {
  stats(): Promise<Array<{ name: string; waiting: number; active: number; delayed: number; failed: number; oldestWaitingMs: number }>>;
}
let queueSource: QueueStatsSource | null = null;

/** Points the queue gauges at the process's queue (called once at boot). */
export function bindQueueMetrics(source: QueueStatsSource): void {
  queueSource = source;
}

export const queueJobs = new Gauge({
  name: 'atrium_queue_jobs',
  help: 'Jobs per queue and state (waiting, active, delayed, failed).',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const q of (await queueSource?.stats().catch(() => [])) ?? []) {
      for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ queue: q.name, state }, q[state]);
    }
  },
});

export const queueOldestWaiting = new Gauge({
  name: 'atrium_queue_oldest_waiting_seconds',
  help: 'Age of the oldest waiting job per queue (0 when empty): the backlog alarm.',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const q of (await queueSource?.stats().catch(() => [])) ?? []) this.set({ queue: q.name }, q.oldestWaitingMs / 1000);
  },
});

export const modelCallDuration = new Histogram({
  name: 'atrium_model_call_duration_seconds',
  help: 'Model call latency (whole generation, after fallback), by provider, model and outcome.',
  labelNames: ['provider', 'model', 'outcome'] as const,
  buckets: [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
  registers: [metricsRegistry],
});

export const modelCost = new Counter({
  name: 'atrium_model_cost_usd_total',
  help: 'Model spend in USD, by provider and model.',
  labelNames: ['provider', 'model'] as const,
  registers: [metricsRegistry],
});

export const modelTokens = new Counter({
  name: 'atrium_model_tokens_total',
  help: 'Model tokens, by provider, model and direction (input, output).',
  labelNames: ['provider', 'model', 'direction'] as const,
  registers: [metricsRegistry],
});

export const chatTurns = new Counter({
  name: 'atrium_chat_turns_total',
  help: 'Chat turns answered, by channel and who answered (model, extractive, safety, fallback, …).',
  labelNames: ['channel', 'answered_by'] as const,
  registers: [metricsRegistry],
});

export const handoffs = new Counter({
  name: 'atrium_handoffs_total',
  help: 'Conversations handed to humans, by channel and reason. Handoff rate = rate(handoffs) / rate(chat_turns).',
  labelNames: ['channel', 'reason'] as const,
  registers: [metricsRegistry],
});

/** Channels Atrium's own clients use; any other name (the API accepts any short lowercase one) is "other". */
const KNOWN_CHANNELS = new Set(['api', 'widget', 'chatwoot', 'playground', 'eval']);

/** A channel as a label value: bounded, so a client naming channels freely cannot blow up the series count. */
export function channelLabel(channel: string): string {
  return KNOWN_CHANNELS.has(channel) ? channel : 'other';
}

/** One finished model generation (call after the turn commits, so a rolled-back turn is not counted). */
export function observeModelCall(call: {
  provider: string;
  model: string;
  outcome: 'ok' | 'error';
  seconds: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}): void {
  const labels = { provider: call.provider, model: call.model };
  modelCallDuration.observe({ ...labels, outcome: call.outcome }, call.seconds);
  if (call.costUsd > 0) modelCost.inc(labels, call.costUsd);
  if (call.inputTokens > 0) modelTokens.inc({ ...labels, direction: 'input' }, call.inputTokens);
  if (call.outputTokens > 0) modelTokens.inc({ ...labels, direction: 'output' }, call.outputTokens);
}
