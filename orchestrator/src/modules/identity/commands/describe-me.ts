import { z } from 'zod';
import type { PrincipalContext } from '../../../platform/http/context';
import { listTenantsFor } from '../../tenants/tenant-lookup';

/** Actions the shell checks to decide which modules and buttons to show. */
export const SHELL_ACTIONS = [
  'activity:read',
  'api_keys:manage',
  'approvals:create',
  'approvals:decide',
  'approvals:read',
  'audit:export',
  'audit:read',
  'audit:verify',
  'chat:create',
  'chat:use',
  'chatwoot_panel:read',
  'compliance:read',
  'config:read',
  'config:write',
  'conversations:manage',
  'conversations:read',
  'conversations:write',
  'dsar:manage',
  'evals:manage',
  'evals:read',
  'integrations:manage',
  'integrations:read',
  'knowledge:read',
  'knowledge:write',
  'memory:manage',
  'memory:use',
  'safety:scan',
  'tenants:manage',
  'tools:execute',
  'tools:manage',
  'tools:read',
  'usage:read',
  'webhooks:manage',
] as const;

export const meSchema = z.object({
  subject: z.string(),
  kind: z.enum(['user', 'api_key', 'platform']),
  name: z.string().nullable(),
  email: z.string().nullable(),
  roles: z.array(z.string()),
  groups: z.array(z.string()),
  scopes: z.array(z.string()),
  tenants: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string(), status: z.string(), abilities: z.array(z.string()) })),
});

export async function describeMe({ ctx }: { ctx: PrincipalContext }): Promise<z.infer<typeof meSchema>> {
  const p = ctx.principal;
  const tenants = await listTenantsFor(ctx.services.db, p);
  return {
    subject: p.subject,
    kind: p.kind,
    name: p.name ?? null,
    email: p.email ?? null,
    roles: p.roles,
    groups: p.groups,
    scopes: p.scopes,
    tenants: tenants.map((t) => ({ ...t, abilities: ctx.services.authz.abilities(p, SHELL_ACTIONS, t) })),
  };
}
