import { z } from 'zod';
import type { PrincipalContext } from '../../../platform/http/context';
import { listTenantsFor } from '../../tenants/tenant-lookup';

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
    tenants: tenants.map((t) => ({ ...t, abilities: ctx.services.authz.abilities(p, ctx.services.authz.reportedActions(), t) })),
  };
}
