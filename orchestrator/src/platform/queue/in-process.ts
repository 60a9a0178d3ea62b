import type { Logger } from '../logger';
import type { Services } from '../services';
import type { DeadLetter, EnqueueOptions, JobDefinition, JobQueue, QueueStats } from './types';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS } from './types';
import { randomUUID } from 'node:crypto';
import { jobFailures } from '../metrics';
import { activeTraceCarrier, runJobSpan, type TraceCarrier } from '../telemetry/spans';

interface PendingJob {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  enqueuedAt: number;
  /** The enqueuer's trace context (kept beside the payload, as BullMQ keeps it in the job data). */
  trace?: TraceCarrier;
}

/**
 * The embedded queue: same contract as BullMQ (typed payloads, retries with exponential backoff,
 * dead letters, idempotency keys) in one process, for the zero-dependency default run and tests.
 */
export function createInProcessQueue(log: Logger, defaultConcurrency: number): JobQueue {
  const definitions = new Map<string, JobDefinition<any>>();
  const waiting = new Map<string, PendingJob[]>();
  const active = new Map<string, number>();
  const delayed = new Set<NodeJS.Timeout>();
  const timers = new Set<NodeJS.Timeout>();
  const seenKeys = new Map<string, string>();
  const dead: DeadLetter[] = [];
  const running = new Set<Promise<void>>();
  let consuming = false;
  let services: Services | undefined;
  let stopped = false;

  const concurrencyOf = (name: string) => definitions.get(name)?.concurrency ?? defaultConcurrency;

  function pump(name: string) {
    const def = definitions.get(name);
    const queue = waiting.get(name);
    if (!consuming || stopped || !def || !queue) return;
    while (queue.length && (active.get(name) ?? 0) < concurrencyOf(name)) {
      const job = queue.shift()!;
      active.set(name, (active.get(name) ?? 0) + 1);
      const run = execute(def, job).finally(() => {
        active.set(name, (active.get(name) ?? 1) - 1);
        running.delete(run);
        pump(name);
      });
      running.add(run);
    }
  }

  async function execute(def: JobDefinition<any>, job: PendingJob) {
    const jobLog = log.child({ job: def.name, jobId: job.id, attempt: job.attempt });
    try {
      await runJobSpan(def.name, job.trace, { 'messaging.message.id': job.id, 'atrium.job.attempt': job.attempt }, () =>
        def.handler(def.payload.parse(job.payload), { jobId: job.id, attempt: job.attempt, log: jobLog, services: services! }),
      );
    } catch (error) {
      jobFailures.inc({ job: def.name });
      const attempts = def.attempts ?? DEFAULT_ATTEMPTS;
      const message = error instanceof Error ? error.message : String(error);
      if (job.attempt >= attempts || stopped) {
        jobLog.error({ err: error }, 'job failed permanently; dead-lettered');
        dead.push({ id: job.id, name: def.name, payload: job.payload, error: message, attempts: job.attempt, failedAt: new Date().toISOString() });
        return;
      }
      const delay = (def.backoffMs ?? DEFAULT_BACKOFF_MS) * 2 ** (job.attempt - 1);
      jobLog.warn({ err: message, retryInMs: delay }, 'job failed; will retry');
      push({ ...job, attempt: job.attempt + 1 }, delay);
    }
  }

  function push(job: PendingJob, delayMs = 0) {
    if (delayMs > 0) {
      const t = setTimeout(() => {
        delayed.delete(t);
        push(job);
      }, delayMs);
      delayed.add(t);
      return;
    }
    const list = waiting.get(job.name) ?? [];
    list.push(job);
    waiting.set(job.name, list);
    queueMicrotask(() => pump(job.name));
  }

  return {
    kind: 'in-process',
    async enqueue<P>(def: JobDefinition<P>, payload: P, options: EnqueueOptions = {}) {
      def.payload.parse(payload);
      definitions.set(def.name, definitions.get(def.name) ?? def);
      if (options.idempotencyKey) {
        const existing = seenKeys.get(`${def.name}:${options.idempotencyKey}`);
        if (existing) return existing;
      }
      const id = options.idempotencyKey ? `${def.name}:${options.idempotencyKey}` : randomUUID();
      if (options.idempotencyKey) seenKeys.set(id, id);
      push({ id, name: def.name, payload, attempt: 1, enqueuedAt: Date.now(), trace: activeTraceCarrier() }, options.delayMs);
      return id;
    },
    async schedule(def, payload, everyMs) {
      definitions.set(def.name, def);
      const t = setInterval(() => void this.enqueue(def, payload), everyMs);
      t.unref();
      timers.add(t);
    },
    async startWorkers(jobs, workerServices) {
      services = workerServices;
      for (const def of jobs) definitions.set(def.name, def);
      consuming = true;
      for (const name of waiting.keys()) pump(name);
    },
    async stop(graceMs = 10_000) {
      stopped = true;
      for (const t of [...timers, ...delayed]) clearTimeout(t);
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => setTimeout(r, graceMs).unref())]);
    },
    async deadLetters(name) {
      return dead.filter((d) => !name || d.name === name);
    },
    async stats(): Promise<QueueStats[]> {
      const now = Date.now();
      return [...definitions.keys()].map((name) => {
        const list = waiting.get(name) ?? [];
        return {
          name,
          waiting: list.length,
          active: active.get(name) ?? 0,
          delayed: 0,
          failed: dead.filter((d) => d.name === name).length,
          oldestWaitingMs: list[0] ? now - list[0].enqueuedAt : 0,
        };
      });
    },
    async ping() {},
  };
}
