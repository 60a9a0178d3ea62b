import { randomUUID } from 'node:crypto';
import type { PrincipalContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { defaultTenantConfig } from '../tenant-config.schema';
import type { TenantRow } from '../tenants.presenter';

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505';

/** Creates the tenant, its first (default) configuration and the first link of its audit chain, atomically. */
export async function createTenant({ ctx, slug, name }: { ctx: PrincipalContext; slug: string; name: string }): Promise<TenantRow> {
  const id = randomUUID();
  try {
    return await ctx.services.db.withTenant(id, async (tx) => {
      const r = await tx.query<TenantRow>('INSERT INTO tenants (id, slug, name) VALUES ($1, $2, $3) RETURNING id, slug, name, status, created_at', [
        id,
        slug,
        name,
      ]);
      await tx.query(
        `INSERT INTO tenant_config_versions (tenant_id, version, config, active, comment, created_by) VALUES ($1, 1, $2, true, 'initial defaults', $3)`,
        [id, JSON.stringify(defaultTenantConfig()), ctx.principal.subject],
      );
      await recordAudit(tx, id, {
        action: 'tenant.created',
        actor: actorOf(ctx.principal),
        resource: { type: 'tenant', id },
        data: { slug, name },
        requestId: ctx.requestId,
      });
      await recordActivity(tx, ctx.services.bus, id, {
        type: 'tenant.created',
        actor: ctx.principal.subject,
        resourceType: 'tenant',
        resourceId: id,
        summary: `Tenant "${name}" created`,
      });
      return r.rows[0]!;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('ALREADY_EXISTS', `A tenant with slug "${slug}" already exists`);
    throw error;
  }
}
