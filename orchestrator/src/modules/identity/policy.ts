import type { Principal, TenantRef } from '../../platform/http/context';

/**
 * Declarative policies: `allow(role, action, predicate?)`. Actions are `resource:verb` (wildcards
 * `resource:*` and `*` allowed in rules and in API-key scopes). A predicate makes a rule resource-level:
 * it only grants when evaluated against a concrete resource (abilities), never for a bare route check.
 */
export const ROLES = ['platform_admin', 'tenant_admin', 'approver', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export type PolicyPredicate = (principal: Principal, resource: Record<string, unknown>) => boolean;

export interface PolicyRule {
  role: string;
  action: string;
  predicate?: PolicyPredicate;
}

export function allow(role: string, action: string, predicate?: PolicyPredicate): PolicyRule {
  return { role, action, predicate };
}

const matches = (pattern: string, action: string) =>
  pattern === '*' || pattern === action || (pattern.endsWith(':*') && action.startsWith(pattern.slice(0, -1)));

export interface PolicyEngine {
  can(principal: Principal, action: string, tenant: TenantRef | null, resource?: Record<string, unknown>): boolean;
  /** Of `actions`, those the principal may perform on `resource`: what the shell renders as buttons. */
  abilities(principal: Principal, actions: readonly string[], tenant: TenantRef | null, resource?: Record<string, unknown>): string[];
  /** Every action any rule mentions (for validating API-key scopes). */
  knownActions(): string[];
  /** Every concrete action a route or rule checks: what GET /v1/me reports abilities for. */
  reportedActions(): readonly string[];
}

/** `checkedActions` are the permissions routes check, so the shell learns of every action the API can refuse. */
export function createPolicyEngine(rules: readonly PolicyRule[], checkedActions: readonly string[] = []): PolicyEngine {
  const can: PolicyEngine['can'] = (principal, action, tenant, resource) => {
    if (principal.kind === 'platform' || principal.roles.includes('platform_admin')) return true;
    if (tenant && !principal.tenants.includes(tenant.slug)) return false;
    if (principal.scopes.some((scope) => (scope.includes(':') || scope === '*' ? matches(scope, action) : false))) return true;
    const roles = new Set([...principal.roles, ...principal.scopes.filter((s) => !s.includes(':') && s !== '*')]);
    return rules.some(
      (rule) => roles.has(rule.role) && matches(rule.action, action) && (!rule.predicate || (resource !== undefined && rule.predicate(principal, resource))),
    );
  };
  const reported = [...new Set([...checkedActions, ...rules.map((r) => r.action)])].filter((a) => a !== '*' && !a.endsWith(':*')).sort();
  return {
    can,
    abilities: (principal, actions, tenant, resource) => actions.filter((a) => can(principal, a, tenant, resource)),
    knownActions: () => [...new Set(rules.map((r) => r.action))].sort(),
    reportedActions: () => reported,
  };
}
