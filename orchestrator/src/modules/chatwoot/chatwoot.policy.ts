import { allow } from '../identity/policy';

/** Tenant admins connect Chatwoot; agents (and admins) read the Dashboard App panel. */
export const chatwootPolicies = [
  allow('tenant_admin', 'integrations:read'),
  allow('tenant_admin', 'integrations:manage'),
  allow('tenant_admin', 'chatwoot_panel:read'),
  allow('agent', 'chatwoot_panel:read'),
];
