import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { notifyApprovalOutcome } from '../approval-hooks';
import { findApproval, setApprovalStatus } from '../approval-store';
import { presentApproval } from '../approvals.presenter';
import { assertTransition } from '../state-machine';
import { announceSubmitted } from './request-approval';
import { present } from './decide-approval';

const mayManage = (ctx: TenantContext, requestedBy: string) =>
  requestedBy === ctx.principal.subject || ctx.services.authz.can(ctx.principal, 'approvals:manage', ctx.tenant);

/** The requester (or an admin) withdraws a draft or a pending request. */
export async function cancelApproval({ ctx, id }: { ctx: TenantContext; id: string }) {
  const row = await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const current = await findApproval(tx, ctx.tenant.id, id, { lock: true });
    assertTransition(current, 'cancelled');
    if (!mayManage(ctx, current.requested_by)) throw new AppError('FORBIDDEN', 'Only the requester or a tenant admin can cancel this request');
    const approval = await setApprovalStatus(tx, ctx.tenant.id, id, 'cancelled');
    await recordAudit(tx, ctx.tenant.id, {
      action: 'approval.cancelled',
      actor: actorOf(ctx.principal),
      resource: { type: 'approval', id },
      data: { type: approval.type },
      requestId: ctx.requestId,
    });
    await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
      type: 'approval.cancelled',
      actor: ctx.principal.subject,
      resourceType: 'approval',
      resourceId: id,
      summary: `Cancelled: ${approval.title}`,
    });
    tx.afterCommit(() => notifyApprovalOutcome(ctx.services, { tenantId: ctx.tenant.id, outcome: 'cancelled', approval: presentApproval(approval) }));
    return approval;
  });
  return present(ctx, row);
}

/** A draft goes to the approvers; its expiry clock starts now. */
export async function submitDraft({ ctx, id, ttlMinutes }: { ctx: TenantContext; id: string; ttlMinutes: number }) {
  const row = await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const current = await findApproval(tx, ctx.tenant.id, id, { lock: true });
    assertTransition(current, 'submitted');
    if (!mayManage(ctx, current.requested_by)) throw new AppError('FORBIDDEN', 'Only the requester or a tenant admin can submit this draft');
    await tx.query(`UPDATE approvals SET expires_at = now() + ($3::int * interval '1 minute') WHERE tenant_id = $1 AND id = $2`, [
      ctx.tenant.id,
      id,
      ttlMinutes,
    ]);
    const approval = await setApprovalStatus(tx, ctx.tenant.id, id, 'submitted');
    await announceSubmitted(tx, ctx.services, ctx.tenant.id, approval, actorOf(ctx.principal), ctx.requestId);
    return approval;
  });
  return present(ctx, row);
}
