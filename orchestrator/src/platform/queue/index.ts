import type { Config } from '../config';
import type { Logger } from '../logger';
import { createBullQueue } from './bullmq';
import { createInProcessQueue } from './in-process';
import type { JobQueue } from './types';

export * from './types';

export function createQueue(config: Config, log: Logger, prefix?: string): JobQueue {
  return config.REDIS_URL ? createBullQueue(config.REDIS_URL, log, config.WORKER_CONCURRENCY, prefix) : createInProcessQueue(log, config.WORKER_CONCURRENCY);
}
