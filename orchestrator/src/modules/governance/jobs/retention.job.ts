import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import { purgeExpiredData } from '../commands/purge-expired-data';

/** One tenant's purge; retried on its own so a failing tenant never blocks the others. */
export const retentionTenantJob = defineJob({
  name: 'governance.retention.tenant',
  payload: z.object({ tenantId: z.uuid() }),
  attempts: 3,
  backoffMs: 60_000,
  concurrency: 1,
  handler: async ({ tenantId }, { services, log }) => {
    const r = await purgeExpiredData(services, tenantId);
    log.info({ tenantId, counts: r.counts }, 'retention: purge finished');
  },
});

/**
 * The daily sweep: fans out one job per tenant, idempotent per tenant and day. Suspended tenants too: suspension
 * stops access, not the duty to delete what is past its retention.
 */
export const retentionSweepJob = defineJob({
  name: 'governance.retention.sweep',
  payload: z.object({}),
  attempts: 3,
  handler: async (_payload, { services }) => {
    const tenants = await services.db.query<{ id: string }>(`SELECT id FROM tenants ORDER BY created_at`);
    const day = new Date().toISOString().slice(0, 10);
    for (const t of tenants.rows) {
      await services.queue.enqueue(retentionTenantJob, { tenantId: t.id }, { idempotencyKey: `retention:${t.id}:${day}` });
    }
  },
});

export const RETENTION_SWEEP_EVERY_MS = 24 * 3_600_000;
