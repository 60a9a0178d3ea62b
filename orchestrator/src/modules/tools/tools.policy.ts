import { allow } from '../identity/policy';

// Reading the catalogue is harmless; changing it is an admin's job. Running a tool by hand
// (POST /v1/tools/:id/test) is tools:execute: admins, and agents working a customer's case. Whether a
// chat principal or an agent may trigger a given tool is decided per tool (allowed_roles/allowed_groups);
// tools:manage holders may test any tool, since they are the ones who configure it.
export const toolPolicies = [
  ...['tenant_admin', 'approver', 'agent', 'viewer'].map((role) => allow(role, 'tools:read')),
  allow('tenant_admin', 'tools:manage'),
  allow('tenant_admin', 'tools:execute'),
  allow('agent', 'tools:execute'),
];
