import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import { deleteExpiredMemories } from '../memory-store';

/** Daily: memories past their tenant's ttl_days are deleted, tenant by tenant (each in its own scope). */
export const purgeExpiredMemoriesJob = defineJob({
  name: 'memory.purge-expired',
  payload: z.object({}),
  attempts: 3,
  handler: async (_payload, { services, log }) => {
    const tenants = await services.db.query<{ id: string }>('SELECT id FROM tenants');
    let purged = 0;
    for (const tenant of tenants.rows) purged += await services.db.withTenant(tenant.id, (tx) => deleteExpiredMemories(tx, tenant.id));
    if (purged) log.info({ purged }, 'expired memories purged');
  },
});
