import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestAtrium, type TestAtrium } from '../support/app';
import { createQueue, defineJob } from '../../orchestrator/src/platform/queue';
import type { Services } from '../../orchestrator/src/platform/services';
import { observeModelCall } from '../../orchestrator/src/platform/metrics';

describe('operations', () => {
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ redis: true, worker: false });
  });
  afterAll(async () => atrium.close());

  it('graceful shutdown finishes running jobs and leaves the rest queued: no job is lost or run twice', async () => {
    const prefix = `atrium-shutdown-${randomBytes(4).toString('hex')}`;
    const runs = new Map<number, number>();
    const slowJob = defineJob({
      name: 'ops.slow',
      payload: z.object({ n: z.number().int() }),
      attempts: 1,
      concurrency: 2,
      handler: async ({ n }) => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        runs.set(n, (runs.get(n) ?? 0) + 1);
      },
    });
    const services = (queue: ReturnType<typeof createQueue>): Services => ({ ...atrium.services, queue });
    const producer = createQueue(atrium.config, atrium.services.log, prefix);
    const total = 12;
    for (let n = 0; n < total; n++) await producer.enqueue(slowJob, { n }, { idempotencyKey: `slow-${n}` });

    const first = createQueue(atrium.config, atrium.services.log, prefix);
    await first.startWorkers([slowJob], services(first));
    await new Promise((resolve) => setTimeout(resolve, 200)); // mid-flight: some done, two running, most waiting
    await first.stop(5_000);
    const afterFirst = runs.size;
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(total);

    const second = createQueue(atrium.config, atrium.services.log, prefix);
    await second.startWorkers([slowJob], services(second));
    const deadline = Date.now() + 15_000;
    while (runs.size < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await second.stop(5_000);
    await producer.stop(1_000);
    expect([...runs.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, n) => n));
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
  }, 30_000);

  it('exposes the named Prometheus series on /metrics', async () => {
    observeModelCall({ provider: 'openai', model: 'gpt-4o-mini', outcome: 'ok', seconds: 1.2, costUsd: 0.001, inputTokens: 100, outputTokens: 20 });
    const probe = defineJob({ name: 'ops.metrics-probe', payload: z.object({}), handler: async () => undefined });
    await atrium.services.queue.enqueue(probe, {}); // no worker runs here: it stays waiting
    await atrium.http.get('/health');
    const r = await atrium.http.get('/metrics');
    expect(r.status).toBe(200);
    for (const series of [
      'atrium_http_request_duration_seconds_bucket',
      'atrium_queue_jobs',
      'atrium_queue_oldest_waiting_seconds',
      'atrium_job_failures_total',
      'atrium_model_call_duration_seconds_bucket',
      'atrium_model_cost_usd_total',
      'atrium_model_tokens_total',
      'atrium_chat_turns_total',
      'atrium_handoffs_total',
      'atrium_webhook_failures_total',
      'atrium_process_process_resident_memory_bytes',
    ]) {
      expect(r.text, series).toMatch(new RegExp(`^# TYPE ${series.replace(/_bucket$/, '')} |^${series}`, 'm'));
    }
    expect(r.text).toMatch(/atrium_model_cost_usd_total\{provider="openai",model="gpt-4o-mini"\} 0\.001/);
    expect(r.text).toMatch(/atrium_queue_jobs\{queue="ops.metrics-probe",state="waiting"\} 1/);
    expect(r.text).toMatch(/atrium_queue_oldest_waiting_seconds\{queue="ops.metrics-probe"\} \d/);
  });
});
