import { defineJob } from '../../../platform/queue';
import { syncSource } from '../commands/sync-source';
import { syncSourcePayload } from '../knowledge.schema';

/** Crawls a web source; failures are recorded on the source (sync_status, sync_error), not retried blindly. */
export const syncSourceJob = defineJob({
  name: 'knowledge.sync-source',
  payload: syncSourcePayload,
  attempts: 1,
  concurrency: 2,
  handler: async (payload, job) => {
    await syncSource(job.services, payload);
  },
});
