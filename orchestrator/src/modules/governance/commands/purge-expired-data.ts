import type { Services } from '../../../platform/services';
import { recordAudit, systemActor } from '../../audit';
import { activeTenantConfig } from '../../tenants';

export interface PurgeResult {
  dataCutoff: string;
  auditCutoff: string;
  counts: {
    conversations: number;
    messages: number;
    webhook_deliveries: number;
    activity: number;
    tool_executions: number;
    approvals: number;
    outbound_webhook_deliveries: number;
    dsar_archives: number;
    audit_rows: number;
  };
  auditAnchor: { seq: number; hash: string } | null;
}

const DAY_MS = 86_400_000;

/**
 * Enforces the tenant's retention settings as of `now`, in one tenant transaction: conversations (with their
 * messages) whose last activity is older than dataRetentionDays, raw webhook deliveries, timeline rows, tool
 * executions (their input and output), settled approvals and sent outbound webhooks of the same age, expired DSAR
 * archives, and the audit-chain prefix older than auditLogRetentionDays (through
 * atrium_purge_audit, which anchors the chain so verification still holds). What was purged is audited.
 */
export async function purgeExpiredData(services: Services, tenantId: string, now = new Date()): Promise<PurgeResult> {
  return services.db.withTenant(tenantId, async (tx) => {
    const { config } = await activeTenantConfig(tx, tenantId);
    const dataCutoff = new Date(now.getTime() - config.retention.dataRetentionDays * DAY_MS);
    const auditCutoff = new Date(now.getTime() - config.retention.auditLogRetentionDays * DAY_MS);
    const count = async (sql: string, params: unknown[]) => (await tx.query(sql, params)).rowCount;
    const expired = `tenant_id = $1 AND coalesce(last_message_at, updated_at) < $2`;
    const messages = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND conversation_id IN (SELECT id FROM conversations WHERE ${expired})`,
      [tenantId, dataCutoff],
    );
    const counts = {
      messages: messages.rows[0]!.n,
      conversations: await count(`DELETE FROM conversations WHERE ${expired}`, [tenantId, dataCutoff]),
      webhook_deliveries: await count(`DELETE FROM webhook_deliveries WHERE tenant_id = $1 AND received_at < $2`, [tenantId, dataCutoff]),
      activity: await count(`DELETE FROM activity WHERE tenant_id = $1 AND created_at < $2`, [tenantId, dataCutoff]),
      tool_executions: await count(`DELETE FROM tool_executions WHERE tenant_id = $1 AND created_at < $2`, [tenantId, dataCutoff]),
      // only settled requests: an open one (draft, submitted, approved awaiting execution) is still someone's work
      approvals: await count(
        `DELETE FROM approvals WHERE tenant_id = $1 AND updated_at < $2 AND status IN ('rejected', 'expired', 'cancelled', 'executed', 'failed')`,
        [tenantId, dataCutoff],
      ),
      outbound_webhook_deliveries: await count(`DELETE FROM outbound_webhook_deliveries WHERE tenant_id = $1 AND created_at < $2 AND status <> 'pending'`, [
        tenantId,
        dataCutoff,
      ]),
      dsar_archives: await count(`UPDATE dsar_requests SET archive = NULL WHERE tenant_id = $1 AND archive IS NOT NULL AND expires_at < $2`, [tenantId, now]),
      audit_rows: 0,
    };
    const purge = await tx.query<{ purged: number; anchor_seq: number | null; anchor_hash: string | null }>(
      'SELECT purged, anchor_seq, anchor_hash FROM atrium_purge_audit($1, $2)',
      [tenantId, auditCutoff],
    );
    const p = purge.rows[0]!;
    counts.audit_rows = p.purged;
    const auditAnchor = p.anchor_seq !== null ? { seq: p.anchor_seq, hash: p.anchor_hash! } : null;
    const result = { dataCutoff: dataCutoff.toISOString(), auditCutoff: auditCutoff.toISOString(), counts, auditAnchor };
    if (Object.values(counts).some((n) => n > 0)) {
      await recordAudit(tx, tenantId, {
        action: 'retention.purged',
        actor: systemActor('retention'),
        resource: { type: 'tenant', id: tenantId },
        data: { data_cutoff: result.dataCutoff, audit_cutoff: result.auditCutoff, counts, audit_anchor: auditAnchor },
      });
    }
    return result;
  });
}
