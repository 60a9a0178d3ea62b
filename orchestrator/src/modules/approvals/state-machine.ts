import { AppError } from '../../platform/errors';

/**
 * The approval lifecycle as data. `draft → submitted → approved | rejected | expired | cancelled`;
 * `approved → executed | failed` once the approved action has run. Everything not listed is illegal.
 */
export const APPROVAL_STATUSES = ['draft', 'submitted', 'approved', 'rejected', 'expired', 'cancelled', 'executed', 'failed'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const TRANSITIONS: Readonly<Record<ApprovalStatus, readonly ApprovalStatus[]>> = {
  draft: ['submitted', 'cancelled'],
  submitted: ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['executed', 'failed'],
  rejected: [],
  expired: [],
  cancelled: [],
  executed: [],
  failed: [],
};

const DECIDED: readonly ApprovalStatus[] = ['approved', 'rejected', 'executed', 'failed'];

/**
 * Throws the specific code for an illegal move, so clients can branch on it. Called inside the transaction
 * after `SELECT … FOR UPDATE`, so two concurrent decisions cannot both pass.
 */
export function assertTransition(current: { status: ApprovalStatus; expires_at: Date | string }, to: ApprovalStatus, now: Date = new Date()): void {
  const { status } = current;
  if (status === 'expired' || (status === 'submitted' && to !== 'expired' && to !== 'cancelled' && new Date(current.expires_at) <= now)) {
    throw new AppError('APPROVAL_EXPIRED', 'This approval request has expired; ask for a new one', { details: { status: 'expired' } });
  }
  if (TRANSITIONS[status].includes(to)) return;
  if ((to === 'approved' || to === 'rejected') && DECIDED.includes(status)) {
    throw new AppError('APPROVAL_ALREADY_DECIDED', `This approval request was already ${status === 'rejected' ? 'rejected' : 'approved'}`, {
      details: { status },
    });
  }
  throw new AppError('INVALID_TRANSITION', `An approval in status "${status}" cannot become "${to}"`, { details: { status, to } });
}

/** Past its expiry but not yet swept: treated as expired everywhere. */
export const isOverdue = (a: { status: ApprovalStatus; expires_at: Date | string }, now: Date = new Date()) =>
  a.status === 'submitted' && new Date(a.expires_at) <= now;
