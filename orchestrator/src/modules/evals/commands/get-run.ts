import type { Queryable } from '../../../platform/db';
import { AppError } from '../../../platform/errors';
import { presentRun, RUN_COLUMNS, type ResultRow, type RunRow } from '../evals.presenter';

/**
 * A run with its per-case results and, for suite runs, the baseline: the latest completed run of the same suite
 * on a different config version, so "did my config change help?" is one number (delta) plus the case list.
 */
export async function getRun(tx: Queryable, runId: string) {
  const r = await tx.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM eval_runs WHERE id = $1`, [runId]);
  const run = r.rows[0];
  if (!run) throw new AppError('NOT_FOUND', 'Run not found');
  const results = await tx.query<ResultRow>(
    'SELECT idx, case_id, category, input, passed, score, answer, details, latency_ms FROM eval_results WHERE run_id = $1 ORDER BY idx',
    [runId],
  );
  let baseline = null;
  if (run.suite_id) {
    const b = await tx.query<{ id: string; config_version: number; score: number | null }>(
      `SELECT id, config_version, score FROM eval_runs WHERE suite_id = $1 AND status = 'completed' AND config_version <> $2 AND created_at < $3
        ORDER BY created_at DESC LIMIT 1`,
      [run.suite_id, run.config_version, run.created_at],
    );
    const base = b.rows[0];
    if (base) {
      const delta = base.score !== null && run.score !== null ? Math.round((run.score - base.score) * 10_000) / 10_000 : null;
      baseline = { run_id: base.id, config_version: base.config_version, score: base.score, delta };
    }
  }
  return { ...presentRun(run), baseline, results: results.rows };
}
