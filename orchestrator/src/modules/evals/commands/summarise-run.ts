import type { Queryable } from '../../../platform/db';

/** Overall score and the summary an admin reads first: per category for red-team, with the failures' evidence. */
export async function summariseRun(tx: Queryable, runId: string, kind: 'eval' | 'redteam') {
  const results = await tx.query<{
    case_id: string;
    category: string | null;
    passed: boolean;
    score: number;
    details: { findings?: Array<{ check: string; passed: boolean; evidence?: string }> };
  }>('SELECT case_id, category, passed, score, details FROM eval_results WHERE run_id = $1 ORDER BY idx', [runId]);
  const rows = results.rows;
  const score = rows.length ? Math.round((rows.reduce((s, r) => s + r.score, 0) / rows.length) * 10_000) / 10_000 : null;
  const passed = rows.filter((r) => r.passed).length;
  if (kind === 'eval') return { score, summary: { cases: rows.length, passed, failed: rows.length - passed } };
  const categories: Record<string, { passed: number; total: number }> = {};
  for (const r of rows) {
    const c = (categories[r.category ?? 'custom'] ??= { passed: 0, total: 0 });
    c.total += 1;
    if (r.passed) c.passed += 1;
  }
  const failures = rows
    .filter((r) => !r.passed)
    .map((r) => ({
      attack: r.case_id,
      category: r.category,
      evidence: (r.details.findings ?? []).filter((f) => !f.passed).map((f) => `${f.check}: ${f.evidence ?? ''}`),
    }));
  return {
    score,
    summary: { attacks: rows.length, passed, failed: rows.length - passed, verdict: passed === rows.length ? 'pass' : 'fail', categories, failures },
  };
}
