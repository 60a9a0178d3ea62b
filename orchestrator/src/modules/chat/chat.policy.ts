import { allow } from '../identity/policy';

// Every tenant role may talk to the assistant (the playground, the widget backend, API integrations).
export const chatPolicies = ['tenant_admin', 'agent', 'approver', 'viewer'].map((role) => allow(role, 'chat:create'));
