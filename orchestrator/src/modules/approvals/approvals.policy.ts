import { allow } from '../identity/policy';

// Approvers decide; people who work cases may ask; admins oversee. Deciding your own request is refused
// in the command (and hidden from abilities), whatever the role.
export const approvalPolicies = [
  ...['tenant_admin', 'approver', 'agent', 'viewer'].map((role) => allow(role, 'approvals:read')),
  ...['tenant_admin', 'approver', 'agent'].map((role) => allow(role, 'approvals:create')),
  allow('approver', 'approvals:decide'),
  allow('tenant_admin', 'approvals:manage'),
];
