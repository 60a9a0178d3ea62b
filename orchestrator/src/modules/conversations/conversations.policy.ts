import { allow } from '../identity/policy';
import { MANAGE_ALL, READ_ALL } from './access';

// Everyone with a tenant role may hold their own conversations; staff read all, admins and agents manage all.
const TENANT_ROLES = ['tenant_admin', 'agent', 'approver', 'viewer'];

export const conversationPolicies = [
  ...TENANT_ROLES.map((role) => allow(role, 'conversations:read')),
  ...TENANT_ROLES.map((role) => allow(role, 'conversations:write')),
  ...TENANT_ROLES.map((role) => allow(role, READ_ALL)),
  allow('tenant_admin', MANAGE_ALL),
  allow('agent', MANAGE_ALL),
];
