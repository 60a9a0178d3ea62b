import { describe, expect, it } from 'vitest';
import type { Principal, TenantRef } from '../../platform/http/context';
import { allow, createPolicyEngine } from './policy';

/** The rule engine on its own: roles, API-key scopes, predicates on resources, tenant membership. */
const acme: TenantRef = { id: 'a-id', slug: 'acme', name: 'Acme', status: 'active' };
const globex: TenantRef = { id: 'g-id', slug: 'globex', name: 'Globex', status: 'active' };
const user = (roles: string[], scopes: string[] = [], tenants = ['acme']): Principal => ({
  kind: scopes.length ? 'api_key' : 'user',
  subject: 'u1',
  tenants,
  roles,
  groups: [],
  scopes,
});

const engine = createPolicyEngine(
  [allow('viewer', 'notes:read'), allow('agent', 'notes:*'), allow('viewer', 'notes:edit', (p, note) => note.author === p.subject), allow('tenant_admin', '*')],
  ['notes:read', 'notes:edit', 'reports:export'],
);

describe('policy engine', () => {
  it('grants a role the actions of its rules, wildcards included, and nothing else', () => {
    expect(engine.can(user(['viewer']), 'notes:read', acme)).toBe(true);
    expect(engine.can(user(['viewer']), 'notes:delete', acme)).toBe(false);
    expect(engine.can(user(['agent']), 'notes:delete', acme)).toBe(true);
    expect(engine.can(user(['agent']), 'reports:export', acme)).toBe(false);
    expect(engine.can(user(['tenant_admin']), 'reports:export', acme)).toBe(true);
    expect(engine.can(user([]), 'notes:read', acme)).toBe(false);
  });

  it('applies a predicate only to a concrete resource, never to a bare route check', () => {
    const viewer = user(['viewer']);
    expect(engine.can(viewer, 'notes:edit', acme)).toBe(false);
    expect(engine.can(viewer, 'notes:edit', acme, { author: 'u1' })).toBe(true);
    expect(engine.can(viewer, 'notes:edit', acme, { author: 'someone else' })).toBe(false);
    expect(engine.abilities(viewer, ['notes:read', 'notes:edit'], acme, { author: 'u1' })).toEqual(['notes:read', 'notes:edit']);
    expect(engine.abilities(viewer, ['notes:read', 'notes:edit'], acme, { author: 'x' })).toEqual(['notes:read']);
  });

  it('checks API-key scopes with the same rules: a role name, an exact action or a resource wildcard', () => {
    expect(engine.can(user([], ['viewer']), 'notes:read', acme)).toBe(true);
    expect(engine.can(user([], ['viewer']), 'notes:delete', acme)).toBe(false);
    expect(engine.can(user([], ['reports:export']), 'reports:export', acme)).toBe(true);
    expect(engine.can(user([], ['reports:export']), 'notes:read', acme)).toBe(false);
    expect(engine.can(user([], ['notes:*']), 'notes:delete', acme)).toBe(true);
    expect(engine.can(user([], ['notes:*']), 'reports:export', acme)).toBe(false);
  });

  it('refuses every action in a tenant the principal does not hold, whatever its roles', () => {
    expect(engine.can(user(['tenant_admin']), 'notes:read', globex)).toBe(false);
    expect(engine.can(user([], ['notes:*']), 'notes:read', globex)).toBe(false);
    expect(engine.can(user(['platform_admin'], [], []), 'reports:export', globex)).toBe(true);
  });

  it('reports every concrete action routes check or rules name, never a wildcard', () => {
    expect(engine.reportedActions()).toEqual(['notes:edit', 'notes:read', 'reports:export']);
  });
});
