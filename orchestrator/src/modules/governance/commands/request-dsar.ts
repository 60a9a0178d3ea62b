import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { dsarJob } from '../jobs/dsar.job';
import { subjectDigest } from '../subjects';
import type { DsarBody } from '../governance.schema';
import type { DsarRow } from '../governance.presenter';

/**
 * Records the request and hands the work to a job (an export or erasure may touch thousands of rows and an
 * external system). The person's identifiers travel only in the job payload; the row keeps a digest.
 */
export async function requestDsar({ ctx, input }: { ctx: TenantContext; input: DsarBody }): Promise<DsarRow> {
  const tenantId = ctx.tenant.id;
  const ref = input.user ?? input.email!;
  const row = await ctx.services.db.withTenant(tenantId, async (tx) => {
    const r = await tx.query<DsarRow>(`INSERT INTO dsar_requests (tenant_id, type, subject_digest, requested_by) VALUES ($1, $2, $3, $4) RETURNING *`, [
      tenantId,
      input.type,
      subjectDigest(tenantId, ref),
      actorOf(ctx.principal).ref,
    ]);
    const dsar = r.rows[0]!;
    await recordAudit(tx, tenantId, {
      action: 'dsar.requested',
      actor: actorOf(ctx.principal),
      resource: { type: 'dsar', id: dsar.id },
      data: { type: input.type },
      requestId: ctx.requestId,
    });
    tx.afterCommit(async () => {
      await ctx.services.queue.enqueue(dsarJob, { tenantId, dsarId: dsar.id, user: input.user, email: input.email }, { idempotencyKey: `dsar:${dsar.id}` });
    });
    return dsar;
  });
  return row;
}
