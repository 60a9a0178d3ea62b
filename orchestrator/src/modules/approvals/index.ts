import type { AtriumModule } from '../module';
import { approvalPolicies } from './approvals.policy';
import { approvalRoutes } from './approvals.routes';
import { expireApprovalsJob } from './jobs/expire-approvals.job';

export { requestApproval, type ApprovalRequest } from './commands/request-approval';
export { completeApproval, type Completion } from './commands/complete-approval';
export { expireApprovals } from './commands/expire-approvals';
export { findApproval } from './approval-store';
export { pendingApprovalsForConversation } from './pending-for-conversation';
export { recentApprovalNotices } from './conversation-notice';
export { onApprovalOutcome, type ApprovalOutcomeEvent, type ApprovalListener, type ApprovalOutcome } from './approval-hooks';
export { assertTransition, TRANSITIONS, APPROVAL_STATUSES, type ApprovalStatus } from './state-machine';
export { presentApproval, type ApprovalRow } from './approvals.presenter';
export type { ApprovalView } from './approvals.schema';

export const approvalsModule: AtriumModule = {
  name: 'approvals',
  routes: approvalRoutes,
  jobs: [expireApprovalsJob],
  policies: approvalPolicies,
  schedules: (services) => services.queue.schedule(expireApprovalsJob, {}, services.config.APPROVAL_EXPIRY_SWEEP_MS),
};
