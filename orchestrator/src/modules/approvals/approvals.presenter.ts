import type { Principal, TenantRef } from '../../platform/http/context';
import type { Authorizer } from '../../platform/services';
import { isOverdue, type ApprovalStatus } from './state-machine';
import type { ApprovalView } from './approvals.schema';

export interface ApprovalRow {
  id: string;
  type: string;
  title: string;
  details: string | null;
  status: ApprovalStatus;
  risk: string | null;
  conversation_id: string | null;
  tool_id: string | null;
  tool_name: string | null;
  tool_input: unknown;
  call_id: string | null;
  requested_by_type: string;
  requested_by: string;
  decided_by: string | null;
  decision_reason: string | null;
  decided_at: Date | null;
  expires_at: Date;
  execution_id: string | null;
  result: unknown;
  error: string | null;
  created_at: Date;
  updated_at: Date;
}

export const APPROVAL_COLUMNS =
  'id, type, title, details, status, risk, conversation_id, tool_id, tool_name, tool_input, call_id, requested_by_type, requested_by, decided_by, decision_reason, decided_at, expires_at, execution_id, result, error, created_at, updated_at';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * What the caller may do with this request right now. Computed here rather than by bare policy because the
 * rules depend on state (only a live, submitted request can be decided) and on who asked (never yourself;
 * this holds even for platform admins, whom the policy engine otherwise lets do anything).
 */
export function approvalAbilities(a: ApprovalRow, principal: Principal, tenant: TenantRef, authz: Authorizer): ApprovalView['abilities'] {
  const own = a.requested_by === principal.subject;
  const live = a.status === 'submitted' && !isOverdue(a);
  const out: ApprovalView['abilities'] = [];
  if (live && !own && authz.can(principal, 'approvals:decide', tenant)) out.push('approve', 'reject');
  const mayManage = own || authz.can(principal, 'approvals:manage', tenant);
  if ((a.status === 'draft' || live) && mayManage) out.push('cancel');
  if (a.status === 'draft' && mayManage) out.push('submit');
  return out;
}

/** Allowlisted view; an overdue request already reads as expired before the sweep marks it. */
export function presentApproval(a: ApprovalRow, abilities: ApprovalView['abilities'] = []): ApprovalView {
  return {
    id: a.id,
    type: a.type,
    title: a.title,
    details: a.details,
    status: isOverdue(a) ? 'expired' : a.status,
    risk: a.risk,
    conversation_id: a.conversation_id,
    tool: a.tool_name ? { id: a.tool_id, name: a.tool_name, input: a.tool_input } : null,
    requested_by: { type: a.requested_by_type, ref: a.requested_by },
    decided_by: a.decided_by,
    decision_reason: a.decision_reason,
    decided_at: iso(a.decided_at),
    expires_at: new Date(a.expires_at).toISOString(),
    result: a.result ?? null,
    error: a.error,
    created_at: new Date(a.created_at).toISOString(),
    updated_at: new Date(a.updated_at).toISOString(),
    abilities,
  };
}
