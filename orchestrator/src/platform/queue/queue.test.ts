import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../logger';
import { createInProcessQueue } from './in-process';
import { createBullQueue } from './bullmq';
import { defineJob, type JobQueue } from './types';
import type { Services } from '../services';

const log = createLogger('silent');
const services = {} as Services;
const until = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached in time');
};

const engines: [string, () => JobQueue][] = [
  ['in-process', () => createInProcessQueue(log, 4)],
  [
    'bullmq (real Redis)',
    () => createBullQueue(process.env.ATRIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', log, 4, `qtest-${randomBytes(4).toString('hex')}`),
  ],
];

describe.each(engines)('job queue: %s', (_name, make) => {
  let queue: JobQueue;
  afterEach(async () => queue?.stop(2000));

  it('runs a typed job and refuses an invalid payload at enqueue time', async () => {
    queue = make();
    const seen: number[] = [];
    const job = defineJob({ name: `add-${randomBytes(3).toString('hex')}`, payload: z.object({ n: z.number() }), handler: async (p) => void seen.push(p.n) });
    await queue.startWorkers([job], services);
    await queue.enqueue(job, { n: 1 });
    await expect(queue.enqueue(job, { n: 'x' } as never)).rejects.toThrow();
    await until(() => seen.length === 1);
    expect(seen).toEqual([1]);
  });

  it('retries with backoff and then dead-letters, keeping the error', async () => {
    queue = make();
    let tries = 0;
    const job = defineJob({
      name: `fail-${randomBytes(3).toString('hex')}`,
      payload: z.object({}),
      attempts: 3,
      backoffMs: 10,
      handler: async () => {
        tries += 1;
        throw new Error(`boom ${tries}`);
      },
    });
    await queue.startWorkers([job], services);
    await queue.enqueue(job, {});
    await until(async () => (await queue.deadLetters(job.name)).length === 1);
    expect(tries).toBe(3);
    const [dead] = await queue.deadLetters(job.name);
    expect(dead).toMatchObject({ name: job.name, attempts: 3, error: 'boom 3' });
  });

  it('accepts an idempotency key once', async () => {
    queue = make();
    let runs = 0;
    const job = defineJob({ name: `once-${randomBytes(3).toString('hex')}`, payload: z.object({}), handler: async () => void (runs += 1) });
    await queue.startWorkers([job], services);
    await queue.enqueue(job, {}, { idempotencyKey: 'delivery-1' });
    await queue.enqueue(job, {}, { idempotencyKey: 'delivery-1' });
    await queue.enqueue(job, {}, { idempotencyKey: 'delivery-2' });
    await until(() => runs >= 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(runs).toBe(2);
  });

  it('stop() waits for running jobs instead of dropping them', async () => {
    queue = make();
    let finished = false;
    const job = defineJob({
      name: `slow-${randomBytes(3).toString('hex')}`,
      payload: z.object({}),
      handler: async () => {
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      },
    });
    await queue.startWorkers([job], services);
    await queue.enqueue(job, {});
    await until(async () => (await queue.stats()).some((s) => s.active > 0) || finished);
    await queue.stop(5000);
    expect(finished).toBe(true);
  });
});
