import type { TenantContext } from './context';

/**
 * What the caller may do with a kind of resource: each ability names the permission of the route that performs it
 * (see the module's routes), and is kept only where the policy engine grants that permission. The shell renders
 * these as buttons, so it never re-implements a rule; a resource whose abilities also depend on its own state
 * narrows this list further in its presenter.
 */
export function grantedAbilities<A extends string>(ctx: TenantContext, guards: Readonly<Record<A, string>>): A[] {
  return (Object.keys(guards) as A[]).filter((ability) => ctx.services.authz.can(ctx.principal, guards[ability], ctx.tenant));
}

/** The OpenAPI description every `abilities` field shares. */
export const ABILITIES_DESCRIPTION = 'What the caller may do with this resource now; the shell renders these as buttons.';
