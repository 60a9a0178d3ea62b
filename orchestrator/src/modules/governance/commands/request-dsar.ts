import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { dsarJob } from '../jobs/dsar.job';
import { subjectDigest } from '../subjects';
import type { DsarBody } from '../governance.schema';
import type { DsarRow } from '../governance.presenter';

/**
 * Records the request and hands the work to a job (an export or erasure may touch thousands of rows and an
 * external system). The row keeps a digest of the person and their identifiers sealed until the job is done;
 * the job payload holds ids only (migration 0720).
 */
export async function requestDsar({ ctx, input }: { ctx: TenantContext; input: DsarBody }): Promise<DsarRow> {
  const tenantId = ctx.tenant.id;
  const ref = input.user ?? input.email!;
  const row = await ctx.services.db.withTenant(tenantId, async (tx) => {
    const r = await tx.query<DsarRow>(
      `INSERT INTO dsar_requests (tenant_id, type, subject_digest, subject_sealed, requested_by) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [
        tenantId,
        input.type,
        subjectDigest(tenantId, ref),
        ctx.services.secrets.encrypt(JSON.stringify({ user: input.user, email: input.email })),
        actorOf(ctx.principal).ref,
      ],
    );
    const dsar = r.rows[0]!;
    await recordAudit(tx, tenantId, {
      action: 'dsar.requested',
      actor: actorOf(ctx.principal),
      resource: { type: 'dsar', id: dsar.id },
      data: { type: input.type },
      requestId: ctx.requestId,
    });
    tx.afterCommit(async () => {
      await ctx.services.queue.enqueue(dsarJob, { tenantId, dsarId: dsar.id }, { idempotencyKey: `dsar:${dsar.id}` });
    });
    return dsar;
  });
  return row;
}
