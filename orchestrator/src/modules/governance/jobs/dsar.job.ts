import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import { runDsar } from '../commands/run-dsar';

export const dsarJob = defineJob({
  name: 'governance.dsar',
  // user/email: only in jobs queued before migration 0720 sealed them on the request row
  payload: z.object({ tenantId: z.uuid(), dsarId: z.uuid(), user: z.string().optional(), email: z.string().optional() }),
  attempts: 3,
  backoffMs: 2000,
  handler: async (payload, { services }) => runDsar(services, payload),
});
