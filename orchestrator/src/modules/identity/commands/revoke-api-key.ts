import type { TenantContext } from '../../../platform/http/context';
import { notFound } from '../../../platform/errors';
import { recordAudit, actorOf } from '../../audit';
import { recordActivity } from '../../activity';

/** Revocation is idempotent: revoking a revoked key succeeds without a second audit row. */
export async function revokeApiKey({ ctx, id }: { ctx: TenantContext; id: string }): Promise<void> {
  await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const current = await tx.query<{ name: string; revoked_at: Date | null }>(
      'SELECT name, revoked_at FROM api_keys WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
      [ctx.tenant.id, id],
    );
    const key = current.rows[0];
    if (!key) throw notFound('API key');
    if (key.revoked_at) return;
    await tx.query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2', [ctx.tenant.id, id]);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'api_key.revoked',
      actor: actorOf(ctx.principal),
      resource: { type: 'api_key', id },
      requestId: ctx.requestId,
    });
    await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
      type: 'api_key.revoked',
      actor: ctx.principal.subject,
      resourceType: 'api_key',
      resourceId: id,
      summary: `API key "${key.name}" revoked`,
    });
  });
}
