import type { Services } from '../../../platform/services';
import { recordAudit, systemActor } from '../../audit';
import { resolveDataSubject } from '../subjects';
import { exportSubjectData } from './export-subject-data';
import { eraseSubject } from './erase-subject';
import { deleteChatwootContacts } from './delete-chatwoot-contacts';

/** Export archives are kept this long, then retention destroys them. */
export const ARCHIVE_TTL_DAYS = 30;

export interface DsarJobPayload {
  tenantId: string;
  dsarId: string;
  user?: string;
  email?: string;
}

/** Carries out one request; the row moves pending → running → completed | failed. */
export async function runDsar(services: Services, p: DsarJobPayload): Promise<void> {
  const { db } = services;
  const claimed = await db.withTenant(p.tenantId, (tx) =>
    tx.query<{ type: 'export' | 'delete'; subject_sealed: string | null }>(
      `UPDATE dsar_requests SET status = 'running' WHERE tenant_id = $1 AND id = $2 AND status IN ('pending', 'running', 'failed') RETURNING type, subject_sealed`,
      [p.tenantId, p.dsarId],
    ),
  );
  const type = claimed.rows[0]?.type;
  if (!type) return; // already completed (a redelivered job)
  const sealed = claimed.rows[0]!.subject_sealed;
  const named: { user?: string; email?: string } = sealed ? JSON.parse(services.secrets.decrypt(sealed)) : { user: p.user, email: p.email };
  try {
    const subject = await db.transaction((tx) => resolveDataSubject(tx, named));
    if (type === 'export') {
      await db.withTenant(p.tenantId, async (tx) => {
        const archive = await exportSubjectData(tx, p.tenantId, subject);
        const summary = Object.fromEntries(
          Object.entries(archive)
            .filter(([, v]) => Array.isArray(v))
            .map(([k, v]) => [k, (v as unknown[]).length]),
        );
        await tx.query(
          `UPDATE dsar_requests SET status = 'completed', archive = $3, summary = $4, subject_sealed = NULL, completed_at = now(), expires_at = now() + make_interval(days => $5)
            WHERE tenant_id = $1 AND id = $2`,
          [p.tenantId, p.dsarId, JSON.stringify(archive), JSON.stringify(summary), ARCHIVE_TTL_DAYS],
        );
        await recordAudit(tx, p.tenantId, {
          action: 'dsar.exported',
          actor: systemActor('dsar'),
          resource: { type: 'dsar', id: p.dsarId },
          data: { counts: summary },
        });
      });
      return;
    }
    const erasure = await db.withTenant(p.tenantId, (tx) => eraseSubject(tx, p.tenantId, subject, p.dsarId));
    const chatwoot = await deleteChatwootContacts(services, p.tenantId, erasure.chatwootContacts);
    await db.withTenant(p.tenantId, async (tx) => {
      const summary = { counts: erasure.counts, pseudonym: erasure.pseudonym, chatwoot };
      await tx.query(
        `UPDATE dsar_requests SET status = 'completed', summary = $3, subject_sealed = NULL, completed_at = now() WHERE tenant_id = $1 AND id = $2`,
        [p.tenantId, p.dsarId, JSON.stringify(summary)],
      );
      await recordAudit(tx, p.tenantId, { action: 'dsar.erased', actor: systemActor('dsar'), resource: { type: 'dsar', id: p.dsarId }, data: summary });
    });
  } catch (error) {
    await db.withTenant(p.tenantId, (tx) =>
      tx.query(`UPDATE dsar_requests SET status = 'failed', error = $3 WHERE tenant_id = $1 AND id = $2`, [
        p.tenantId,
        p.dsarId,
        String((error as Error).message).slice(0, 500),
      ]),
    );
    throw error;
  }
}
