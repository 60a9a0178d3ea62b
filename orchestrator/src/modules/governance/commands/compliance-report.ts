import type { Services } from '../../../platform/services';
import { verifyAuditChain } from '../../audit';
import { activeTenantConfig } from '../../tenants';
import { latestAssurance } from '../../evals';

/**
 * One page a compliance officer can file: retention in force, encryption of secrets at rest, audit chain status,
 * DSAR history, the safety policy in force, when retention last ran, and the latest red-team and eval evidence.
 */
export async function complianceReport(services: Services, tenantId: string) {
  const chain = await verifyAuditChain(services.db, tenantId);
  return services.db.withTenant(tenantId, async (tx) => {
    const { version, config } = await activeTenantConfig(tx, tenantId);
    const sealed = await tx.query<{ secrets_sealed: string }>(`SELECT secrets_sealed FROM integrations WHERE tenant_id = $1 AND secrets_sealed IS NOT NULL`, [
      tenantId,
    ]);
    const dsar = await tx.query<{ type: string; status: string; created_at: Date; completed_at: Date | null; id: string }>(
      `SELECT id, type, status, created_at, completed_at FROM dsar_requests WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 100`,
      [tenantId],
    );
    // one pseudonym per erased person (each of their references — subject, email, user id — is listed under it)
    const erased = await tx.query<{ n: number }>(`SELECT count(DISTINCT pseudonym)::int AS n FROM erased_subjects WHERE tenant_id = $1`, [tenantId]);
    const lastPurge = await tx.query<{ occurred_at: Date; data: Record<string, unknown> }>(
      `SELECT occurred_at, data FROM audit_log WHERE tenant_id = $1 AND action = 'retention.purged' ORDER BY seq DESC LIMIT 1`,
      [tenantId],
    );
    const assurance = await latestAssurance(tx, tenantId);
    const rt = assurance.redTeam;
    const anchor = await tx.query<{ anchor: unknown }>(`SELECT settings->'auditAnchor' AS anchor FROM tenants WHERE id = $1`, [tenantId]);
    return {
      generated_at: new Date().toISOString(),
      config_version: version,
      retention: {
        data_retention_days: config.retention.dataRetentionDays,
        audit_log_retention_days: config.retention.auditLogRetentionDays,
        memory_ttl_days: config.memory.ttl_days,
        last_purge: lastPurge.rows[0]
          ? { at: lastPurge.rows[0].occurred_at.toISOString(), counts: (lastPurge.rows[0].data.counts ?? {}) as Record<string, unknown> }
          : null,
      },
      encryption: {
        algorithm: 'AES-256-GCM',
        key_configured: !!services.config.ATRIUM_ENCRYPTION_KEY || services.config.embedded,
        sealed_secrets: sealed.rowCount,
        secrets_on_old_key: sealed.rows.filter((r) => services.secrets.needsRotation(r.secrets_sealed)).length,
        database_tls: /sslmode=(require|verify-ca|verify-full)/.test(services.config.DATABASE_URL ?? ''),
      },
      audit_chain: {
        ok: chain.ok,
        checked: chain.checked,
        last_seq: chain.lastSeq,
        first_broken: chain.firstBroken ?? null,
        anchored_after_purge: anchor.rows[0]?.anchor ?? null,
      },
      dsar: {
        total: dsar.rowCount,
        erased_subjects: erased.rows[0]!.n,
        recent: dsar.rows.map((d) => ({
          id: d.id,
          type: d.type,
          status: d.status,
          created_at: d.created_at.toISOString(),
          completed_at: d.completed_at?.toISOString() ?? null,
        })),
      },
      safety: {
        redact_pii_in_model_input: config.safety.redact_pii_in_model_input,
        redact_pii_in_output: config.safety.redact_pii_in_output,
        redact_pii_in_logs: config.safety.redact_pii_in_logs,
        pii_types: config.safety.pii_types,
        injection_action: config.safety.injection_action,
        injection_threshold: config.safety.injection_threshold,
        injection_block_threshold: config.safety.injection_block_threshold,
        secret_scanning: config.safety.secret_scanning,
        dlp_rules: config.safety.dlp_rules.map((r) => ({ name: r.name, action: r.action })),
        memory_requires_consent: config.memory.require_consent,
      },
      assurance: {
        red_team: rt
          ? {
              run_id: rt.runId,
              finished_at: rt.finishedAt.toISOString(),
              config_version: rt.configVersion,
              covers_config_in_force: rt.configVersion === version,
              verdict: rt.verdict,
              passed: rt.passed,
              total: rt.total,
              sets: rt.sets,
            }
          : null,
        evals: assurance.evals.map((e) => ({
          suite_id: e.suiteId,
          suite: e.suite,
          run_id: e.runId,
          finished_at: e.finishedAt.toISOString(),
          config_version: e.configVersion,
          covers_config_in_force: e.configVersion === version,
          score: e.score,
        })),
      },
    };
  });
}
