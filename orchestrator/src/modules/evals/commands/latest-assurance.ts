import type { Queryable } from '../../../platform/db';

/**
 * The newest evidence of how the assistant behaves, for the compliance report: the last completed red-team run
 * and the last completed run of each golden suite, each with the config version it ran against (so a reader sees
 * whether the evidence covers the configuration in force).
 */
export async function latestAssurance(q: Queryable, tenantId: string) {
  const redTeam = await q.query<{ id: string; finished_at: Date; config_version: number; passed: number; total: number; summary: Record<string, unknown> }>(
    `SELECT id, finished_at, config_version, passed, total, summary FROM eval_runs
      WHERE tenant_id = $1 AND kind = 'redteam' AND status = 'completed' ORDER BY finished_at DESC LIMIT 1`,
    [tenantId],
  );
  const evals = await q.query<{ suite_id: string; name: string; id: string; finished_at: Date; config_version: number; score: number | null }>(
    `SELECT DISTINCT ON (r.suite_id) r.suite_id, s.name, r.id, r.finished_at, r.config_version, r.score
       FROM eval_runs r JOIN eval_suites s ON s.tenant_id = r.tenant_id AND s.id = r.suite_id
      WHERE r.tenant_id = $1 AND r.kind = 'eval' AND r.status = 'completed'
      ORDER BY r.suite_id, r.finished_at DESC`,
    [tenantId],
  );
  const rt = redTeam.rows[0];
  return {
    redTeam: rt
      ? {
          runId: rt.id,
          finishedAt: rt.finished_at,
          configVersion: rt.config_version,
          verdict: rt.passed === rt.total ? ('pass' as const) : ('fail' as const),
          passed: rt.passed,
          total: rt.total,
          /** built-in sets the run covered; null = all of them */
          sets: Array.isArray(rt.summary.sets) ? (rt.summary.sets as string[]) : null,
        }
      : null,
    evals: evals.rows.map((e) => ({
      suiteId: e.suite_id,
      suite: e.name,
      runId: e.id,
      finishedAt: e.finished_at,
      configVersion: e.config_version,
      score: e.score,
    })),
  };
}
