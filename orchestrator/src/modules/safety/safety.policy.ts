import { allow } from '../identity/policy';

// Scanning reveals nothing stored; anyone working in the tenant may test text against its policy.
export const safetyPolicies = [
  allow('tenant_admin', 'safety:scan'),
  allow('approver', 'safety:scan'),
  allow('agent', 'safety:scan'),
  allow('viewer', 'safety:scan'),
];
