import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import { executeRun } from '../commands/execute-run';

/** Runs are long and resumable (results are committed per case), so a retry continues rather than restarts. */
export const evalRunJob = defineJob({
  name: 'evals.run',
  payload: z.object({ tenantId: z.uuid(), runId: z.uuid() }),
  attempts: 3,
  backoffMs: 5000,
  concurrency: 2,
  handler: async ({ tenantId, runId }, { services }) => executeRun(services, tenantId, runId),
});
