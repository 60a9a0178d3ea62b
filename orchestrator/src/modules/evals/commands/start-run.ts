import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';
import { activeTenantConfig } from '../../tenants';
import { evalRunJob } from '../jobs/eval-run.job';
import { presentRun, RUN_COLUMNS, type RunRow } from '../evals.presenter';
import { builtInAttackSets } from '../attack-sets';

/**
 * Queues a run pinned to the active config version (so scores of one suite compare across versions). The
 * red-team kind names the built-in sets to run; tenant attack suites always join in.
 */
export async function startRun(ctx: TenantContext, input: { kind: 'eval'; suiteId: string } | { kind: 'redteam'; sets?: string[] }) {
  const tenantId = ctx.tenant.id;
  if (input.kind === 'redteam' && input.sets) {
    const known = builtInAttackSets().map((s) => s.set);
    const unknown = input.sets.filter((s) => !known.includes(s));
    if (unknown.length) throw new AppError('VALIDATION', `sets: unknown attack set(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  const run = await ctx.services.db.withTenant(tenantId, async (tx) => {
    if (input.kind === 'eval') {
      const suite = await tx.query('SELECT 1 FROM eval_suites WHERE id = $1 AND kind = $2', [input.suiteId, 'golden']);
      if (!suite.rowCount) throw new AppError('NOT_FOUND', 'Eval suite not found');
    }
    const { version } = await activeTenantConfig(tx, tenantId);
    const r = await tx.query<RunRow>(
      `INSERT INTO eval_runs (tenant_id, kind, suite_id, config_version, summary, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${RUN_COLUMNS}`,
      [
        tenantId,
        input.kind,
        input.kind === 'eval' ? input.suiteId : null,
        version,
        JSON.stringify(input.kind === 'redteam' ? { sets: input.sets ?? null } : {}),
        actorOf(ctx.principal).ref,
      ],
    );
    const row = r.rows[0]!;
    await recordAudit(tx, tenantId, {
      action: input.kind === 'eval' ? 'eval.run_started' : 'redteam.run',
      actor: actorOf(ctx.principal),
      resource: { type: 'eval_run', id: row.id },
      data: { kind: input.kind, config_version: version, suite_id: row.suite_id },
      requestId: ctx.requestId,
    });
    tx.afterCommit(async () => {
      await ctx.services.queue.enqueue(evalRunJob, { tenantId, runId: row.id }, { idempotencyKey: `eval-run:${row.id}` });
    });
    return row;
  });
  return presentRun(run);
}
