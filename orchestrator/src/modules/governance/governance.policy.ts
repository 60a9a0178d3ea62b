import { allow } from '../identity/policy';

/** Governance is the tenant admin's; viewers (e.g. a compliance officer's read-only key) may read reports. */
export const governancePolicies = [
  allow('tenant_admin', 'audit:export'),
  allow('tenant_admin', 'dsar:manage'),
  allow('tenant_admin', 'usage:read'),
  allow('tenant_admin', 'compliance:read'),
  allow('viewer', 'usage:read'),
  allow('viewer', 'compliance:read'),
];
