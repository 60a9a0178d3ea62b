import { allow } from './policy';

export const identityPolicies = [
  allow('tenant_admin', 'api_keys:manage'),
  allow('tenant_admin', 'me:read'),
  allow('approver', 'me:read'),
  allow('agent', 'me:read'),
  allow('viewer', 'me:read'),
];
