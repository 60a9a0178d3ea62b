import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import type { Tx } from '../../../platform/db';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { forgetTenantConfig } from '../tenant-config-cache';
import { tenantConfigSchema, type TenantConfig } from '../tenant-config.schema';
// Imported from the file, not the safety index, which itself depends on tenants.
import { validateDlpPattern } from '../../safety/dlp';

export interface ConfigProblem {
  path: string;
  message: string;
}

/** Schema plus the semantic checks a schema cannot express (e.g. DLP patterns must compile). */
export function validateTenantConfig(input: unknown): { config?: TenantConfig; errors: ConfigProblem[] } {
  const parsed = tenantConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return { errors: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })) };
  }
  const errors: ConfigProblem[] = [];
  parsed.data.safety.dlp_rules.forEach((rule, index) => {
    // Checked with the engine that will run it (RE2: linear time, no lookbehind/backreferences).
    const problem = validateDlpPattern(rule.pattern);
    if (problem) errors.push({ path: `safety.dlp_rules.${index}.pattern`, message: `not a valid regular expression: ${problem}` });
  });
  const chunking = parsed.data.retrieval;
  if (chunking.chunk_overlap_tokens >= chunking.chunk_tokens) {
    errors.push({ path: 'retrieval.chunk_overlap_tokens', message: 'must be smaller than retrieval.chunk_tokens' });
  }
  return errors.length ? { errors } : { config: parsed.data, errors };
}

async function activate(tx: Tx, ctx: TenantContext, config: TenantConfig, comment: string | null): Promise<number> {
  // The row lock on the active version serialises concurrent publishes, so versions never collide.
  await tx.query('SELECT version FROM tenant_config_versions WHERE tenant_id = $1 AND active FOR UPDATE', [ctx.tenant.id]);
  const next = await tx.query<{ version: number }>('SELECT coalesce(max(version), 0) + 1 AS version FROM tenant_config_versions WHERE tenant_id = $1', [
    ctx.tenant.id,
  ]);
  const version = next.rows[0]!.version;
  await tx.query('UPDATE tenant_config_versions SET active = false WHERE tenant_id = $1 AND active', [ctx.tenant.id]);
  await tx.query('INSERT INTO tenant_config_versions (tenant_id, version, config, active, comment, created_by) VALUES ($1, $2, $3, true, $4, $5)', [
    ctx.tenant.id,
    version,
    JSON.stringify(config),
    comment,
    ctx.principal.subject,
  ]);
  // This process's cached copy goes at once; other replicas drop theirs on the activity event.
  tx.afterCommit(() => forgetTenantConfig(ctx.services.db, ctx.tenant.id));
  return version;
}

/** Each PUT is a new version that becomes active; earlier versions stay for diff and rollback. */
export async function publishConfig({ ctx, input, comment }: { ctx: TenantContext; input: unknown; comment?: string }) {
  const { config, errors } = validateTenantConfig(input);
  if (!config) throw new AppError('VALIDATION', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { details: { problems: errors } });
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const version = await activate(tx, ctx, config, comment ?? null);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'config.published',
      actor: actorOf(ctx.principal),
      resource: { type: 'tenant_config', id: String(version) },
      data: { version },
      requestId: ctx.requestId,
    });
    await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
      type: 'config.published',
      actor: ctx.principal.subject,
      resourceType: 'tenant_config',
      resourceId: String(version),
      summary: `Configuration version ${version} published`,
    });
    return { version, config };
  });
}

/** Rollback republishes an old version's content as a new version, so history is never rewritten. */
export async function rollbackConfig({ ctx, version }: { ctx: TenantContext; version: number }) {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const old = await tx.query<{ config: unknown }>('SELECT config FROM tenant_config_versions WHERE tenant_id = $1 AND version = $2', [
      ctx.tenant.id,
      version,
    ]);
    if (!old.rows[0]) throw new AppError('NOT_FOUND', `Configuration version ${version} does not exist`);
    const config = tenantConfigSchema.parse(old.rows[0].config);
    const newVersion = await activate(tx, ctx, config, `rollback to version ${version}`);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'config.rolled_back',
      actor: actorOf(ctx.principal),
      resource: { type: 'tenant_config', id: String(newVersion) },
      data: { from_version: version, version: newVersion },
      requestId: ctx.requestId,
    });
    await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
      type: 'config.rolled_back',
      actor: ctx.principal.subject,
      resourceType: 'tenant_config',
      resourceId: String(newVersion),
      summary: `Configuration rolled back to version ${version}`,
    });
    return { version: newVersion, config };
  });
}
