import type { z } from 'zod';
import type { Logger } from '../logger';
import type { Services } from '../services';

export interface JobContext {
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  log: Logger;
  services: Services;
}

/**
 * A job = name + zod payload + handler. Retries, backoff and dead-lettering come from one base
 * (the queue), so handlers stay small and only say what the job does.
 */
export interface JobDefinition<P = unknown> {
  name: string;
  payload: z.ZodType<P>;
  /** Total tries before the job is dead-lettered (default 5). */
  attempts?: number;
  /** First retry delay; doubles on each retry (default 1000 ms). */
  backoffMs?: number;
  /** Parallel jobs of this kind per worker process (default WORKER_CONCURRENCY). */
  concurrency?: number;
  handler: (payload: P, ctx: JobContext) => Promise<void>;
}

export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<P> {
  return definition;
}

export interface EnqueueOptions {
  /** Same key → the job is accepted once (within the queue's retention), e.g. a webhook delivery id. */
  idempotencyKey?: string;
  delayMs?: number;
}

export interface DeadLetter {
  id: string;
  name: string;
  payload: unknown;
  error: string;
  attempts: number;
  failedAt: string;
}

export interface QueueStats {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Age of the oldest waiting job in ms (0 when empty). */
  oldestWaitingMs: number;
}

export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  enqueue<P>(job: JobDefinition<P>, payload: P, options?: EnqueueOptions): Promise<string>;
  /** Runs `job` every `everyMs` (one schedule per job name; re-registering replaces it). */
  schedule<P>(job: JobDefinition<P>, payload: P, everyMs: number): Promise<void>;
  /** Starts consuming the given job kinds in this process; handlers receive `services`. */
  startWorkers(jobs: readonly JobDefinition<any>[], services: Services): Promise<void>;
  /** Stops taking new jobs and waits (up to graceMs) for running ones. */
  stop(graceMs?: number): Promise<void>;
  deadLetters(name?: string): Promise<DeadLetter[]>;
  stats(): Promise<QueueStats[]>;
  ping(): Promise<void>;
}

export const DEFAULT_ATTEMPTS = 5;
export const DEFAULT_BACKOFF_MS = 1000;
