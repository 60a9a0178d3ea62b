import type { Services } from '../../../platform/services';
import { recordAudit, systemActor } from '../../audit';

/** Every column holding a SecretBox-sealed value (table, primary-key column, sealed column). */
export const SEALED_COLUMNS = [
  { table: 'integrations', column: 'secrets_sealed' },
  { table: 'tools', column: 'signing_secret_sealed' },
  { table: 'webhook_endpoints', column: 'secret_sealed' },
  { table: 'dsar_requests', column: 'subject_sealed' },
] as const;

export interface RotationReport {
  tenants: number;
  rotated: Record<string, number>;
  alreadyCurrent: number;
  /** Values no configured key opens: left untouched and listed so an operator can re-enter them. */
  unreadable: Array<{ tenantId: string; table: string; id: string }>;
}

/**
 * Key rotation, step 2 of docs/OPERATIONS.md: with the new key in ATRIUM_ENCRYPTION_KEY and the old one in
 * ATRIUM_ENCRYPTION_KEYS_OLD, re-encrypts every sealed secret still on an old key, tenant by tenant, one
 * transaction per tenant (a crash leaves each tenant either fully rotated or untouched; re-running is safe).
 */
export async function rotateSecrets(services: Services): Promise<RotationReport> {
  const report: RotationReport = { tenants: 0, rotated: {}, alreadyCurrent: 0, unreadable: [] };
  const present = await services.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1)`,
    [SEALED_COLUMNS.map((c) => c.table)],
  );
  const tables = SEALED_COLUMNS.filter((c) => present.rows.some((r) => r.table_name === c.table));
  const tenants = await services.db.query<{ id: string }>('SELECT id FROM tenants ORDER BY created_at');
  for (const { id: tenantId } of tenants.rows) {
    report.tenants += 1;
    await services.db.withTenant(tenantId, async (tx) => {
      const counts: Record<string, number> = {};
      for (const { table, column } of tables) {
        const rows = await tx.query<{ id: string; sealed: string }>(`SELECT id, ${column} AS sealed FROM ${table} WHERE ${column} IS NOT NULL FOR UPDATE`);
        for (const row of rows.rows) {
          if (!services.secrets.needsRotation(row.sealed)) {
            report.alreadyCurrent += 1;
            continue;
          }
          let plaintext: string;
          try {
            plaintext = services.secrets.decrypt(row.sealed);
          } catch {
            report.unreadable.push({ tenantId, table, id: row.id });
            continue;
          }
          await tx.query(`UPDATE ${table} SET ${column} = $2 WHERE id = $1`, [row.id, services.secrets.encrypt(plaintext)]);
          counts[table] = (counts[table] ?? 0) + 1;
          report.rotated[table] = (report.rotated[table] ?? 0) + 1;
        }
      }
      if (Object.keys(counts).length) {
        await recordAudit(tx, tenantId, {
          action: 'integration.secrets_rotated',
          actor: systemActor('rotate-secrets'),
          resource: { type: 'tenant', id: tenantId },
          data: { counts },
        });
      }
    });
  }
  return report;
}
