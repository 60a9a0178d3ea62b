import type { Services } from '../../../platform/services';
import { AppError } from '../../../platform/errors';
import { recordAudit, systemActor } from '../../audit';
import { activeTenantConfig, findTenant } from '../../tenants';
import { assistantFor, probePrincipal, type AssistantReply } from '../assistant-port';
import { judgeAttack, type JudgeContext } from '../judge';
import { scoreCase } from '../scoring';
import { planCases, type PlannedCase } from './plan-cases';
import { summariseRun } from './summarise-run';
import type { RunRow } from '../evals.presenter';

interface CaseOutcome {
  passed: boolean;
  score: number;
  details: Record<string, unknown>;
}

async function judgeCase(c: PlannedCase, reply: AssistantReply, judgeCtx: JudgeContext): Promise<CaseOutcome> {
  if (c.kind === 'golden') return scoreCase(c.case, reply);
  const findings = await judgeAttack(c.attack, reply, judgeCtx);
  const passed = findings.every((f) => f.passed);
  return { passed, score: passed ? 1 : 0, details: { findings, blocked: reply.blocked, escalated: reply.escalated, safety: reply.safety } };
}

/** Whether a cited document is the tenant's own and open to the probe's groups (knowledge_documents.access_groups). */
function visibilityChecker(services: Services, tenantId: string, groups: string[]) {
  return async (documentId: string) => {
    const r = await services.db.withTenant(tenantId, async (tx) => {
      const exists = await tx.query(`SELECT to_regclass('public.knowledge_documents') IS NOT NULL AS present`);
      if (!(exists.rows[0] as { present: boolean }).present) return { rows: [] as Array<{ access_groups: string[] }> };
      return tx.query<{ access_groups: string[] }>('SELECT access_groups FROM knowledge_documents WHERE tenant_id = $1 AND id::text = $2', [
        tenantId,
        documentId,
      ]);
    });
    const doc = r.rows[0];
    return !!doc && (doc.access_groups.length === 0 || doc.access_groups.some((g) => groups.includes(g)));
  };
}

/**
 * Runs (or resumes) one eval or red-team run case by case: each result is committed with the progress counter, so
 * GET shows progress live and a crashed worker resumes where it stopped. An assistant failure on one case is that
 * case's failure (with the error as evidence); a missing assistant engine fails the run.
 */
export async function executeRun(services: Services, tenantId: string, runId: string): Promise<void> {
  const { db } = services;
  const tenant = await findTenant(db, tenantId);
  if (!tenant) return;
  const start = await db.withTenant(tenantId, async (tx) => {
    const r = await tx.query<RunRow>(
      `UPDATE eval_runs SET status = 'running', started_at = coalesce(started_at, now()) WHERE id = $1 AND status IN ('queued', 'running') RETURNING *`,
      [runId],
    );
    if (!r.rows[0]) return null;
    const cases = await planCases(tx, r.rows[0]);
    const { config, version } = await activeTenantConfig(tx, tenantId);
    await tx.query('UPDATE eval_runs SET total = $2 WHERE id = $1', [runId, cases.length]);
    return { run: r.rows[0], cases, systemPrompt: config.assistant.system_prompt, version };
  });
  if (!start) return; // finished already (a redelivered job)
  try {
    const ask = assistantFor(services);
    for (let idx = start.run.done; idx < start.cases.length; idx++) {
      const c = start.cases[idx]!;
      const messages = c.kind === 'golden' ? [{ role: 'user' as const, content: c.case.input }] : c.attack.messages;
      const judgeCtx: JudgeContext = { systemPrompt: start.systemPrompt, citationVisible: visibilityChecker(services, tenantId, c.probe.groups) };
      let outcome: CaseOutcome;
      let reply: AssistantReply | null = null;
      try {
        reply = await ask(services, { tenant, principal: probePrincipal(tenant, c.probe, start.run.kind), messages });
        outcome = await judgeCase(c, reply, judgeCtx);
      } catch (error) {
        if (error instanceof AppError && error.code === 'UPSTREAM_UNAVAILABLE') throw error;
        outcome = { passed: false, score: 0, details: { error: (error as Error).message } };
      }
      await db.withTenant(tenantId, async (tx) => {
        await tx.query(
          `INSERT INTO eval_results (tenant_id, run_id, idx, case_id, category, input, passed, score, answer, details, latency_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
          [
            tenantId,
            runId,
            idx,
            c.id,
            c.category,
            messages.at(-1)!.content,
            outcome.passed,
            outcome.score,
            reply?.text ?? '',
            JSON.stringify(outcome.details),
            reply ? Math.round(reply.latencyMs) : null,
          ],
        );
        await tx.query('UPDATE eval_runs SET done = $2, passed = passed + $3 WHERE id = $1', [runId, idx + 1, outcome.passed ? 1 : 0]);
      });
    }
    await db.withTenant(tenantId, async (tx) => {
      const summary = await summariseRun(tx, runId, start.run.kind);
      const changed = start.version !== start.run.config_version;
      await tx.query(`UPDATE eval_runs SET status = 'completed', score = $2, summary = summary || $3, finished_at = now() WHERE id = $1`, [
        runId,
        summary.score,
        JSON.stringify({ ...summary.summary, ...(changed ? { config_changed_during_run: start.version } : {}) }),
      ]);
      await recordAudit(tx, tenantId, {
        action: 'eval.run_finished',
        actor: systemActor('evals'),
        resource: { type: 'eval_run', id: runId },
        data: {
          kind: start.run.kind,
          score: summary.score,
          passed: summary.summary.passed,
          total: start.cases.length,
          config_version: start.run.config_version,
        },
      });
    });
  } catch (error) {
    await db.withTenant(tenantId, (tx) =>
      tx.query(`UPDATE eval_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [runId, (error as Error).message.slice(0, 500)]),
    );
    if (!(error instanceof AppError)) throw error;
  }
}
