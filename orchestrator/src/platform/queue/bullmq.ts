import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../logger';
import type { DeadLetter, EnqueueOptions, JobDefinition, JobQueue, QueueStats } from './types';
import { DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_MS } from './types';
import { jobFailures } from '../metrics';
import { runJobSpan, takeTraceCarrier, withTraceCarrier } from '../telemetry/spans';

/**
 * BullMQ on Redis: one BullMQ queue per job kind (so each kind has its own concurrency and metrics).
 * Failed jobs are kept (removeOnFail: false) as the dead-letter set, with their error and attempts.
 * An idempotency key becomes the BullMQ job id, which Redis accepts only once.
 */
export function createBullQueue(redisUrl: string, log: Logger, defaultConcurrency: number, prefix = 'atrium'): JobQueue {
  const url = new URL(redisUrl);
  const connection: ConnectionOptions = {
    host: url.hostname,
    port: Number(url.port || 6379),
    password: url.password || undefined,
    username: url.username || undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  let probe: Redis | undefined;

  const queueFor = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix });
      queues.set(name, q);
    }
    return q;
  };

  const jobOptions = (def: JobDefinition<any>, options: EnqueueOptions = {}) => ({
    jobId: options.idempotencyKey ? options.idempotencyKey.replace(/:/g, '_') : undefined,
    delay: options.delayMs,
    attempts: def.attempts ?? DEFAULT_ATTEMPTS,
    backoff: { type: 'exponential', delay: def.backoffMs ?? DEFAULT_BACKOFF_MS },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: false,
  });

  return {
    kind: 'bullmq',
    async enqueue<P>(def: JobDefinition<P>, payload: P, options?: EnqueueOptions) {
      def.payload.parse(payload);
      // the enqueuer's trace context travels in the job data, so the worker's span joins its trace
      const job = await queueFor(def.name).add(def.name, withTraceCarrier(payload), jobOptions(def, options));
      return job.id ?? '';
    },
    async schedule(def, payload, everyMs) {
      await queueFor(def.name).upsertJobScheduler(`${def.name}:schedule`, { every: everyMs }, { name: def.name, data: payload, opts: jobOptions(def) });
    },
    async startWorkers(jobs, services) {
      for (const def of jobs) {
        const worker = new Worker(
          def.name,
          async (job) => {
            const attempt = job.attemptsMade + 1;
            const { payload, carrier } = takeTraceCarrier(job.data);
            await runJobSpan(def.name, carrier, { 'messaging.message.id': job.id ?? '', 'atrium.job.attempt': attempt }, async () => {
              const jobLog = log.child({ job: def.name, jobId: job.id, attempt });
              await def.handler(def.payload.parse(payload), { jobId: job.id ?? '', attempt, log: jobLog, services });
            });
          },
          { connection, prefix, concurrency: def.concurrency ?? defaultConcurrency },
        );
        worker.on('failed', (job, err) => {
          jobFailures.inc({ job: def.name });
          if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) log.error({ job: def.name, jobId: job.id, err: err.message }, 'job dead-lettered');
        });
        worker.on('error', (err) => log.warn({ job: def.name, err: err.message }, 'worker error'));
        workers.push(worker);
      }
    },
    async stop(graceMs = 10_000) {
      // Worker.close() waits for active jobs; bound it so shutdown cannot hang forever.
      await Promise.race([Promise.allSettled(workers.map((w) => w.close())), new Promise((r) => setTimeout(r, graceMs).unref())]);
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      probe?.disconnect();
    },
    async deadLetters(name) {
      const names = name ? [name] : [...queues.keys()];
      const out: DeadLetter[] = [];
      for (const n of names) {
        for (const job of await queueFor(n).getFailed(0, 200)) {
          if (job.attemptsMade < (job.opts.attempts ?? 1)) continue;
          out.push({
            id: job.id ?? '',
            name: n,
            payload: takeTraceCarrier(job.data).payload,
            error: job.failedReason,
            attempts: job.attemptsMade,
            failedAt: new Date(job.finishedOn ?? Date.now()).toISOString(),
          });
        }
      }
      return out;
    },
    async stats(): Promise<QueueStats[]> {
      const now = Date.now();
      return Promise.all(
        [...queues.entries()].map(async ([name, q]) => {
          const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
          const [oldest] = await q.getWaiting(0, 0);
          return {
            name,
            waiting: counts.waiting ?? 0,
            active: counts.active ?? 0,
            delayed: counts.delayed ?? 0,
            failed: counts.failed ?? 0,
            oldestWaitingMs: oldest ? now - oldest.timestamp : 0,
          };
        }),
      );
    },
    async ping() {
      // A separate short-timeout client: BullMQ's own connections retry forever, which would hang /ready.
      probe ??= new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: false });
      if (probe.status === 'wait' || probe.status === 'end') await probe.connect();
      await probe.ping();
    },
  };
}
