import type { Principal } from '../../platform/http/context';

/**
 * The platform acting on its own behalf: the bootstrap admin key, the CLI, seeding and background sync.
 * `subject` says which, so audit rows can tell them apart.
 */
export const platformPrincipal = (subject = 'platform'): Principal => ({
  kind: 'platform',
  subject,
  tenants: [],
  roles: ['platform_admin'],
  groups: [],
  scopes: [],
});
