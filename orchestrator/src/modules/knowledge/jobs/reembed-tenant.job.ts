import { defineJob } from '../../../platform/queue';
import { reembedTenant } from '../commands/reembed-tenant';
import { reembedTenantPayload } from '../knowledge.schema';

/** Converts a tenant's vectors to the configured embedder after a provider/model/size change. */
export const reembedTenantJob = defineJob({
  name: 'knowledge.reembed-tenant',
  payload: reembedTenantPayload,
  attempts: 5,
  backoffMs: 5000,
  concurrency: 1,
  handler: async ({ tenantId }, job) => {
    await reembedTenant(job.services, tenantId);
  },
});
