import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { emitWebhookEvent } from '../../webhooks';
import { notifyApprovalOutcome } from '../approval-hooks';
import { findApproval, setApprovalStatus } from '../approval-store';
import { approvalAbilities, presentApproval, type ApprovalRow } from '../approvals.presenter';
import { customerNotices, postAssistantNotice } from '../conversation-notice';
import { assertTransition, isOverdue } from '../state-machine';
import { expireOne } from './expire-approvals';
import { webhookView } from './request-approval';

/**
 * Approve or reject. The row is locked and the transition re-checked inside the transaction, so two
 * approvers clicking at once get one decision and one 409 APPROVAL_ALREADY_DECIDED. An overdue request is
 * marked expired (committed) before the 409 APPROVAL_EXPIRED is returned.
 */
export async function decideApproval({ ctx, id, decision, reason }: { ctx: TenantContext; id: string; decision: 'approved' | 'rejected'; reason?: string }) {
  const { services, tenant, principal } = ctx;
  let overdue = false;
  const result = await services.db.withTenant(tenant.id, async (tx) => {
    const current = await findApproval(tx, tenant.id, id, { lock: true });
    if (isOverdue(current)) {
      overdue = true;
      await expireOne(tx, services, tenant.id, current);
      return null;
    }
    assertTransition(current, decision);
    if (current.requested_by === principal.subject) throw new AppError('FORBIDDEN', 'You cannot decide your own request; another approver has to');
    const approval = await setApprovalStatus(tx, tenant.id, id, decision, { decided_by: principal.subject, decision_reason: reason ?? null });
    await recordAudit(tx, tenant.id, {
      action: decision === 'approved' ? 'approval.approved' : 'approval.rejected',
      actor: actorOf(principal),
      resource: { type: 'approval', id },
      data: { type: approval.type, tool: approval.tool_name, reason: reason ?? null },
      requestId: ctx.requestId,
    });
    await recordActivity(tx, services.bus, tenant.id, {
      type: `approval.${decision}`,
      actor: principal.subject,
      resourceType: 'approval',
      resourceId: id,
      summary: `${decision === 'approved' ? 'Approved' : 'Rejected'}: ${approval.title}`,
    });
    const view = presentApproval(approval);
    await emitWebhookEvent(tx, tenant.id, 'approval.decided', webhookView(view));
    const notice =
      decision === 'rejected' && approval.type === 'tool_call' && approval.conversation_id
        ? await postAssistantNotice(tx, tenant.id, { id, conversationId: approval.conversation_id }, customerNotices.rejected(approval.title))
        : null;
    tx.afterCommit(() => notifyApprovalOutcome(services, { tenantId: tenant.id, outcome: decision, approval: view, notice: notice ?? undefined }));
    return approval;
  });
  if (overdue || !result) throw new AppError('APPROVAL_EXPIRED', 'This approval request has expired; ask for a new one', { details: { status: 'expired' } });
  return present(ctx, result);
}

export const present = (ctx: TenantContext, a: ApprovalRow) => presentApproval(a, approvalAbilities(a, ctx.principal, ctx.tenant, ctx.services.authz));
