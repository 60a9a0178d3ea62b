import { allow } from '../identity/policy';

// Admins curate the knowledge base; everyone who works in the tenant may search it (within their groups).
export const knowledgePolicies = [
  allow('tenant_admin', 'knowledge:read'),
  allow('tenant_admin', 'knowledge:write'),
  allow('approver', 'knowledge:read'),
  allow('agent', 'knowledge:read'),
  allow('viewer', 'knowledge:read'),
];
