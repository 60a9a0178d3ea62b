import type { Tx } from '../../../platform/db';
import type { Services } from '../../../platform/services';
import type { AuditActor } from '../../audit';
import { recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { emitWebhookEvent } from '../../webhooks';
import { notifyApprovalOutcome } from '../approval-hooks';
import { APPROVAL_COLUMNS, presentApproval, type ApprovalRow } from '../approvals.presenter';

export interface ApprovalRequest {
  type: string;
  title: string;
  details?: string | null;
  conversationId?: string | null;
  risk?: string | null;
  tool?: { id: string; name: string; input: unknown; callId?: string | null };
  requester: AuditActor;
  ttlMinutes: number;
  draft?: boolean;
  requestId?: string;
}

/**
 * Creates a request (submitted, or a draft) inside the caller's tenant transaction: the tools module calls it
 * in the same transaction as the blocked tool call, the route for manual requests. Approvers (role
 * `approver`) hear it live on the bus and through the `approval.requested` webhook.
 */
export async function requestApproval(tx: Tx, services: Services, tenantId: string, input: ApprovalRequest): Promise<ApprovalRow> {
  const r = await tx.query<ApprovalRow>(
    `INSERT INTO approvals (tenant_id, type, title, details, status, risk, conversation_id, tool_id, tool_name, tool_input, call_id, requested_by_type, requested_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now() + ($14::int * interval '1 minute')) RETURNING ${APPROVAL_COLUMNS}`,
    [
      tenantId,
      input.type,
      input.title,
      input.details ?? null,
      input.draft ? 'draft' : 'submitted',
      input.risk ?? null,
      input.conversationId ?? null,
      input.tool?.id ?? null,
      input.tool?.name ?? null,
      input.tool ? JSON.stringify(input.tool.input) : null,
      input.tool?.callId ?? null,
      input.requester.type,
      input.requester.ref,
      input.ttlMinutes,
    ],
  );
  const approval = r.rows[0]!;
  if (!input.draft) await announceSubmitted(tx, services, tenantId, approval, input.requester, input.requestId);
  return approval;
}

/** Audit, timeline, webhook and live event for a request that is now waiting for a decision. */
export async function announceSubmitted(
  tx: Tx,
  services: Services,
  tenantId: string,
  approval: ApprovalRow,
  actor: AuditActor,
  requestId?: string,
): Promise<void> {
  await recordAudit(tx, tenantId, {
    action: 'approval.requested',
    actor,
    resource: { type: 'approval', id: approval.id },
    data: { type: approval.type, tool: approval.tool_name, risk: approval.risk, conversation_id: approval.conversation_id },
    requestId,
  });
  await recordActivity(tx, services.bus, tenantId, {
    type: 'approval.requested',
    actor: actor.ref,
    resourceType: 'approval',
    resourceId: approval.id,
    summary: `Approval requested: ${approval.title}`,
  });
  const view = presentApproval(approval);
  await emitWebhookEvent(tx, tenantId, 'approval.requested', webhookView(view));
  tx.afterCommit(() => notifyApprovalOutcome(services, { tenantId, outcome: 'submitted', approval: view }));
}

/** What webhook consumers get: the presented approval minus per-caller abilities. */
export const webhookView = (view: ReturnType<typeof presentApproval>) => {
  const { abilities: _abilities, ...rest } = view;
  return rest;
};
