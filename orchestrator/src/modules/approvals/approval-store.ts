import type { Queryable, Tx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { APPROVAL_COLUMNS, type ApprovalRow } from './approvals.presenter';
import type { ApprovalStatus } from './state-machine';

export async function findApproval(tx: Queryable, tenantId: string, id: string, options: { lock?: boolean } = {}): Promise<ApprovalRow> {
  const r = await tx.query<ApprovalRow>(`SELECT ${APPROVAL_COLUMNS} FROM approvals WHERE tenant_id = $1 AND id = $2${options.lock ? ' FOR UPDATE' : ''}`, [
    tenantId,
    id,
  ]);
  if (!r.rows[0]) throw new AppError('NOT_FOUND', 'Approval request was not found');
  return r.rows[0];
}

/** Writes a state change; callers have locked the row and passed assertTransition first. */
export async function setApprovalStatus(
  tx: Tx,
  tenantId: string,
  id: string,
  status: ApprovalStatus,
  fields: { decided_by?: string; decision_reason?: string | null; result?: unknown; error?: string | null; execution_id?: string | null } = {},
): Promise<ApprovalRow> {
  const decided = status === 'approved' || status === 'rejected';
  const r = await tx.query<ApprovalRow>(
    `UPDATE approvals SET status = $3, updated_at = now(),
       decided_by = CASE WHEN $4 THEN $5 ELSE decided_by END,
       decision_reason = CASE WHEN $4 THEN $6 ELSE decision_reason END,
       decided_at = CASE WHEN $4 THEN now() ELSE decided_at END,
       result = coalesce($7::jsonb, result), error = coalesce($8, error), execution_id = coalesce($9::uuid, execution_id)
     WHERE tenant_id = $1 AND id = $2 RETURNING ${APPROVAL_COLUMNS}`,
    [
      tenantId,
      id,
      status,
      decided,
      fields.decided_by ?? null,
      fields.decision_reason ?? null,
      fields.result === undefined ? null : JSON.stringify(fields.result),
      fields.error ?? null,
      fields.execution_id ?? null,
    ],
  );
  return r.rows[0]!;
}
