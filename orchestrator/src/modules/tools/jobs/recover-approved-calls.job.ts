import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { executeApprovedCallJob } from './execute-approved-call.job';

/**
 * The safety net behind "an approved call always ends executed | failed": the execution job is enqueued after the
 * approver's commit, so a process that dies in between (or a queue that refuses the job) would leave the request
 * `approved` forever. This sweep finds approved tool calls no execution job has claimed yet, and claimed ones whose
 * run was stored but never completed (the job died in between), and enqueues them again. Running twice is harmless:
 * the job claims the request (`execution_id`) inside its transaction before it calls the tool, so however many
 * copies are enqueued, the tool runs once; a copy that finds a stored run only completes the request from it.
 * A claimed request with no stored run is left alone: the tool may or may not have been reached, and running it
 * again could do the action twice (it stays `approved`, visible to the approvers).
 */
export const RECOVER_EVERY_MS = 15_000;
/** Younger requests are left to the enqueue that follows the decision. */
const STRANDED_AFTER_SECONDS = 10;

export async function recoverApprovedCalls(services: Services, options: { olderThanSeconds?: number } = {}): Promise<number> {
  const olderThan = options.olderThanSeconds ?? STRANDED_AFTER_SECONDS;
  // only the tenants with work (migration 0730): an idle tenant costs no transaction every 15 s
  const tenants = await services.db.query<{ id: string }>('SELECT atrium_tenants_with_stranded_approved_calls($1) AS id', [olderThan]);
  const slot = Math.floor(Date.now() / RECOVER_EVERY_MS); // a fresh idempotency key per sweep
  let recovered = 0;
  for (const { id: tenantId } of tenants.rows) {
    const stranded = await services.db.withTenant(
      tenantId,
      (tx) =>
        tx.query<{ id: string }>(
          `SELECT a.id FROM approvals a
            WHERE a.tenant_id = $1 AND a.status = 'approved' AND a.type = 'tool_call' AND a.updated_at < now() - make_interval(secs => $2)
              AND (a.execution_id IS NULL OR EXISTS (SELECT 1 FROM tool_executions e WHERE e.tenant_id = a.tenant_id AND e.id = a.execution_id))
            ORDER BY a.updated_at LIMIT 500`,
          [tenantId, olderThan],
        ),
      { readOnly: true },
    );
    for (const { id } of stranded.rows) {
      await services.queue.enqueue(executeApprovedCallJob, { tenantId, approvalId: id }, { idempotencyKey: `${id}:recover:${slot}` });
      recovered++;
    }
  }
  if (recovered) services.log.warn({ recovered }, 'approved tool calls re-enqueued');
  return recovered;
}

export const recoverApprovedCallsJob = defineJob({
  name: 'tools.recover-approved',
  payload: z.object({}),
  attempts: 1,
  concurrency: 1,
  handler: async (_p, { services }) => {
    await recoverApprovedCalls(services);
  },
});
