import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';

/**
 * An export request's archive, for download. Handing out a person's data is itself audited (who took it, when),
 * in the same transaction as the read, so no copy leaves without its row.
 */
export async function readDsarArchive(ctx: TenantContext, dsarId: string): Promise<unknown> {
  const tenantId = ctx.tenant.id;
  return ctx.services.db.withTenant(tenantId, async (tx) => {
    const r = await tx.query<{ archive: unknown; status: string }>(`SELECT archive, status FROM dsar_requests WHERE id = $1 AND type = 'export'`, [dsarId]);
    const row = r.rows[0];
    if (!row) throw new AppError('NOT_FOUND', 'Export request not found');
    if (row.status !== 'completed') throw new AppError('CONFLICT', `The export is ${row.status}; try again when it has completed`);
    if (row.archive === null) throw new AppError('NOT_FOUND', 'The archive has expired or was erased');
    await recordAudit(tx, tenantId, {
      action: 'dsar.archive_downloaded',
      actor: actorOf(ctx.principal),
      resource: { type: 'dsar', id: dsarId },
      requestId: ctx.requestId,
    });
    return row.archive;
  });
}
