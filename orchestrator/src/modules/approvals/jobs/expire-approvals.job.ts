import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import { expireApprovals } from '../commands/expire-approvals';

/** Scheduled sweep: submitted requests past expires_at become expired (and their customers are told). */
export const expireApprovalsJob = defineJob({
  name: 'approvals.expire',
  payload: z.object({}),
  attempts: 1,
  concurrency: 1,
  handler: async (_payload, { services, log }) => {
    const n = await expireApprovals(services);
    if (n) log.info({ expired: n }, 'approvals expired');
  },
});
