import { allow } from '../identity/policy';

export const auditPolicies = [allow('tenant_admin', 'audit:read'), allow('tenant_admin', 'audit:verify')];
