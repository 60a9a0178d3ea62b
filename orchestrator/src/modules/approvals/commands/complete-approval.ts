import type { Services } from '../../../platform/services';
import { recordAudit, systemActor } from '../../audit';
import { recordActivity } from '../../activity';
import { notifyApprovalOutcome } from '../approval-hooks';
import { findApproval, setApprovalStatus } from '../approval-store';
import { presentApproval, type ApprovalRow } from '../approvals.presenter';
import { customerNotices, postAssistantNotice } from '../conversation-notice';
import { assertTransition } from '../state-machine';

export interface Completion {
  outcome: 'executed' | 'failed';
  executionId?: string | null;
  result?: unknown;
  error?: string | null;
  /** What the customer is told on success (a failure gets the standard apology). */
  successNotice?: string;
}

/** approved → executed | failed, after the approved action ran; the outcome goes back into the conversation. */
export async function completeApproval(services: Services, tenantId: string, id: string, completion: Completion): Promise<ApprovalRow> {
  return services.db.withTenant(tenantId, async (tx) => {
    const current = await findApproval(tx, tenantId, id, { lock: true });
    assertTransition(current, completion.outcome);
    const approval = await setApprovalStatus(tx, tenantId, id, completion.outcome, {
      result: completion.result,
      error: completion.error ?? null,
      execution_id: completion.executionId ?? null,
    });
    await recordAudit(tx, tenantId, {
      action: completion.outcome === 'executed' ? 'approval.executed' : 'approval.failed',
      actor: systemActor('approvals.execute'),
      resource: { type: 'approval', id },
      data: { tool: approval.tool_name, execution_id: completion.executionId ?? null, error: completion.error ?? null },
    });
    await recordActivity(tx, services.bus, tenantId, {
      type: `approval.${completion.outcome}`,
      actor: 'system',
      resourceType: 'approval',
      resourceId: id,
      summary: `${completion.outcome === 'executed' ? 'Carried out' : 'Failed after approval'}: ${approval.title}`,
    });
    const text = completion.outcome === 'executed' ? completion.successNotice : customerNotices.failed(approval.title);
    const notice = approval.conversation_id && text ? await postAssistantNotice(tx, tenantId, { id, conversationId: approval.conversation_id }, text) : null;
    tx.afterCommit(() =>
      notifyApprovalOutcome(services, { tenantId, outcome: completion.outcome, approval: presentApproval(approval), notice: notice ?? undefined }),
    );
    return approval;
  });
}
