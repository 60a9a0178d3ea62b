import type { PrincipalContext } from '../../../platform/http/context';
import { notFound } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { findTenant } from '../tenant-lookup';
import type { TenantRow } from '../tenants.presenter';

/** Suspending blocks every tenant-scoped request (403 TENANT_SUSPENDED) but keeps all data. Idempotent. */
export async function setTenantStatus({
  ctx,
  idOrSlug,
  status,
}: {
  ctx: PrincipalContext;
  idOrSlug: string;
  status: 'active' | 'suspended';
}): Promise<TenantRow> {
  const tenant = await findTenant(ctx.services.db, idOrSlug);
  if (!tenant) throw notFound('Tenant');
  return ctx.services.db.withTenant(tenant.id, async (tx) => {
    const r = await tx.query<TenantRow>('UPDATE tenants SET status = $2, updated_at = now() WHERE id = $1 RETURNING id, slug, name, status, created_at', [
      tenant.id,
      status,
    ]);
    if (tenant.status !== status) {
      const action = status === 'suspended' ? 'tenant.suspended' : 'tenant.reactivated';
      await recordAudit(tx, tenant.id, { action, actor: actorOf(ctx.principal), resource: { type: 'tenant', id: tenant.id }, requestId: ctx.requestId });
      await recordActivity(tx, ctx.services.bus, tenant.id, {
        type: action,
        actor: ctx.principal.subject,
        resourceType: 'tenant',
        resourceId: tenant.id,
        summary: `Tenant ${status === 'suspended' ? 'suspended' : 'reactivated'}`,
      });
    }
    return r.rows[0]!;
  });
}
