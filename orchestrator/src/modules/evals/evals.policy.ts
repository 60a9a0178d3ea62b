import { allow } from '../identity/policy';

/** Running evals costs model tokens and red-team probes the tenant's own defences: admins only. */
export const evalsPolicies = [allow('tenant_admin', 'evals:manage'), allow('tenant_admin', 'evals:read'), allow('viewer', 'evals:read')];
