import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { completeApproval, findApproval, onApprovalOutcome } from '../../approvals';
import { findTenant } from '../../tenants';
import { invokeTool } from '../commands/invoke-tool';
import { approvedNotice } from '../tool-messages';

/**
 * Runs a tool call an approver approved, then moves the request to executed | failed and tells the customer.
 * At most once: the execution id is claimed on the approval row first, so a redelivered job finds it taken.
 */
export const executeApprovedCallJob = defineJob({
  name: 'tools.execute-approved',
  payload: z.object({ tenantId: z.uuid(), approvalId: z.uuid() }),
  attempts: 1,
  handler: async ({ tenantId, approvalId }, { services }) => {
    const executionId = randomUUID();
    const approval = await services.db.withTenant(tenantId, async (tx) => {
      const claimed = await tx.query(
        `UPDATE approvals SET execution_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'approved' AND type = 'tool_call' AND execution_id IS NULL RETURNING id`,
        [tenantId, approvalId, executionId],
      );
      return claimed.rowCount ? findApproval(tx, tenantId, approvalId) : null;
    });
    if (!approval) return;
    const tenant = await findTenant(services.db, tenantId);
    if (!tenant || !approval.tool_id) {
      await completeApproval(services, tenantId, approvalId, { outcome: 'failed', error: 'the tool no longer exists' });
      return;
    }
    const outcome = await invokeTool({
      services,
      tenant,
      principal: null,
      source: 'approval',
      toolId: approval.tool_id,
      input: approval.tool_input,
      conversationId: approval.conversation_id,
      callId: approval.call_id,
      executionId,
      approval: { id: approval.id, requestedBy: { type: approval.requested_by_type as never, ref: approval.requested_by } },
    });
    const ok = outcome.status === 'succeeded';
    await completeApproval(services, tenantId, approvalId, {
      outcome: ok ? 'executed' : 'failed',
      executionId: outcome.executionId,
      result: ok ? outcome.output : undefined,
      error: ok ? null : outcome.status === 'not_found' ? 'the tool no longer exists or is disabled' : `${outcome.error?.code}: ${outcome.error?.message}`,
      successNotice: approvedNotice(approval.title, outcome.output),
    });
  },
});

/** Approved tool calls run as jobs (never inside the approver's HTTP request). */
export function runApprovedCalls(services: Services): void {
  onApprovalOutcome(services, async ({ outcome, approval, tenantId }) => {
    if (outcome === 'approved' && approval.type === 'tool_call') {
      await services.queue.enqueue(executeApprovedCallJob, { tenantId, approvalId: approval.id }, { idempotencyKey: approval.id });
    }
  });
}
