import { allow } from '../identity/policy';

// platform_admin may do everything (policy engine short-circuit); these are the tenant-level rules.
export const tenantPolicies = [
  allow('tenant_admin', 'config:read'),
  allow('tenant_admin', 'config:write'),
  allow('approver', 'config:read'),
  allow('agent', 'config:read'),
  allow('viewer', 'config:read'),
];
