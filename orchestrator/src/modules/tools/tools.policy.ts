import { allow } from '../identity/policy';

// Reading the catalogue is harmless; changing it, or running a tool by hand, is an admin's job.
// Whether a chat principal may trigger a tool is decided per tool (allowed_roles/allowed_groups).
export const toolPolicies = [
  ...['tenant_admin', 'approver', 'agent', 'viewer'].map((role) => allow(role, 'tools:read')),
  allow('tenant_admin', 'tools:manage'),
  allow('tenant_admin', 'tools:execute'),
  allow('agent', 'tools:execute'),
];
