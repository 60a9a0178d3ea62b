import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Tx } from '../../../platform/db';
import { AppError } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { completeApproval, findApproval, onApprovalOutcome } from '../../approvals';
import { findTenant } from '../../tenants';
import { invokeTool } from '../commands/invoke-tool';
import { approvedNotice } from '../tool-messages';

/**
 * Runs a tool call an approver approved, then moves the request to executed | failed and tells the customer.
 * At most once: the execution id is claimed on the approval row first, so a redelivered job finds it taken. A
 * copy that finds the claim taken but the run already recorded (the job died between storing the execution and
 * completing the request) completes the request from that record, without running anything.
 */
export const executeApprovedCallJob = defineJob({
  name: 'tools.execute-approved',
  payload: z.object({ tenantId: z.uuid(), approvalId: z.uuid() }),
  attempts: 1,
  handler: async ({ tenantId, approvalId }, { services, log }) => {
    const executionId = randomUUID();
    const { approval, recorded } = await services.db.withTenant(tenantId, async (tx) => {
      const claimed = await tx.query(
        `UPDATE approvals SET execution_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'approved' AND type = 'tool_call' AND execution_id IS NULL RETURNING id`,
        [tenantId, approvalId, executionId],
      );
      if (claimed.rowCount) return { approval: await findApproval(tx, tenantId, approvalId) };
      return { recorded: await recordedRun(tx, tenantId, approvalId) };
    });
    if (recorded) return finishRecordedRun(services, tenantId, approvalId, recorded, log);
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

interface RecordedRun {
  title: string;
  execution_id: string;
  status: string;
  output: unknown;
  error_code: string | null;
  error_message: string | null;
}

/** A claimed, still-approved request whose tool run was stored: the run happened, only its completion is missing. */
async function recordedRun(tx: Tx, tenantId: string, approvalId: string): Promise<RecordedRun | null> {
  const r = await tx.query<RecordedRun>(
    `SELECT a.title, e.id AS execution_id, e.status, e.output, e.error_code, e.error_message
       FROM approvals a JOIN tool_executions e ON e.tenant_id = a.tenant_id AND e.id = a.execution_id
      WHERE a.tenant_id = $1 AND a.id = $2 AND a.status = 'approved' AND a.type = 'tool_call'`,
    [tenantId, approvalId],
  );
  return r.rows[0] ?? null;
}

async function finishRecordedRun(services: Services, tenantId: string, approvalId: string, run: RecordedRun, log: Logger): Promise<void> {
  const ok = run.status === 'succeeded';
  try {
    await completeApproval(services, tenantId, approvalId, {
      outcome: ok ? 'executed' : 'failed',
      executionId: run.execution_id,
      result: ok ? run.output : undefined,
      error: ok ? null : `${run.error_code}: ${run.error_message}`,
      successNotice: approvedNotice(run.title, run.output),
    });
  } catch (error) {
    // the original job completed it a moment ago (approved → executed | failed is no longer open): nothing left to do
    if (error instanceof AppError && error.code === 'INVALID_TRANSITION') return;
    throw error;
  }
  log.warn({ approvalId, executionId: run.execution_id }, 'approved call completed from its recorded run');
}

/** Approved tool calls run as jobs (never inside the approver's HTTP request). */
export function runApprovedCalls(services: Services): void {
  onApprovalOutcome(services, async ({ outcome, approval, tenantId }) => {
    if (outcome === 'approved' && approval.type === 'tool_call') {
      await services.queue.enqueue(executeApprovedCallJob, { tenantId, approvalId: approval.id }, { idempotencyKey: approval.id });
    }
  });
}
