import type { Tx } from '../../../platform/db';
import type { Services } from '../../../platform/services';
import { recordAudit, systemActor } from '../../audit';
import { recordActivity } from '../../activity';
import { emitWebhookEvent } from '../../webhooks';
import { notifyApprovalOutcome } from '../approval-hooks';
import { setApprovalStatus } from '../approval-store';
import { APPROVAL_COLUMNS, presentApproval, type ApprovalRow } from '../approvals.presenter';
import { customerNotices, postAssistantNotice } from '../conversation-notice';
import { assertTransition } from '../state-machine';
import { webhookView } from './request-approval';

/** Marks one locked, overdue request expired and tells the customer (tool calls from a conversation). */
export async function expireOne(tx: Tx, services: Services, tenantId: string, current: ApprovalRow): Promise<void> {
  assertTransition(current, 'expired');
  const approval = await setApprovalStatus(tx, tenantId, current.id, 'expired');
  await recordAudit(tx, tenantId, {
    action: 'approval.expired',
    actor: systemActor('approvals.expire'),
    resource: { type: 'approval', id: approval.id },
    data: { type: approval.type, tool: approval.tool_name },
  });
  await recordActivity(tx, services.bus, tenantId, {
    type: 'approval.expired',
    actor: 'system',
    resourceType: 'approval',
    resourceId: approval.id,
    summary: `Expired without a decision: ${approval.title}`,
  });
  const view = presentApproval(approval);
  await emitWebhookEvent(tx, tenantId, 'approval.decided', webhookView(view));
  const notice =
    approval.type === 'tool_call' && approval.conversation_id
      ? await postAssistantNotice(tx, tenantId, { id: approval.id, conversationId: approval.conversation_id }, customerNotices.expired(approval.title))
      : null;
  tx.afterCommit(() => notifyApprovalOutcome(services, { tenantId, outcome: 'expired', approval: view, notice: notice ?? undefined }));
}

/** The sweep: every tenant with overdue submitted requests, each request in its own short transaction. */
export async function expireApprovals(services: Services): Promise<number> {
  const tenants = await services.db.query<{ tenant_id: string }>('SELECT atrium_tenants_with_expired_approvals() AS tenant_id');
  let expired = 0;
  for (const { tenant_id: tenantId } of tenants.rows) {
    expired += await services.db.withTenant(tenantId, async (tx) => {
      const due = await tx.query<ApprovalRow>(
        `SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE tenant_id = $1 AND status = 'submitted' AND expires_at <= now() ORDER BY expires_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
        [tenantId],
      );
      for (const row of due.rows) await expireOne(tx, services, tenantId, row);
      return due.rows.length;
    });
  }
  return expired;
}
