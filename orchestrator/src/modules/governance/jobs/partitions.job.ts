import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import { maintainPartitions } from '../commands/maintain-partitions';

/** Keeps the monthly partitions of messages and audit_log created ahead of time (daily, and once at worker start). */
export const maintainPartitionsJob = defineJob({
  name: 'governance.partitions.maintain',
  payload: z.object({}),
  attempts: 3,
  backoffMs: 60_000,
  concurrency: 1,
  handler: async (_payload, { services, log }) => {
    const outcomes = await maintainPartitions(services);
    const created = outcomes.filter((o) => o.outcome === 'created').map((o) => o.partition);
    if (created.length) log.info({ created }, 'partitions: created');
  },
});

export const PARTITIONS_EVERY_MS = 24 * 3_600_000;
