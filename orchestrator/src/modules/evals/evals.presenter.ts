export interface RunRow {
  id: string;
  kind: 'eval' | 'redteam';
  suite_id: string | null;
  status: 'queued' | 'running' | 'completed' | 'failed';
  config_version: number;
  total: number;
  done: number;
  passed: number;
  score: number | null;
  summary: Record<string, unknown>;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface ResultRow {
  idx: number;
  case_id: string;
  category: string | null;
  input: string;
  passed: boolean;
  score: number;
  answer: string;
  details: Record<string, unknown>;
  latency_ms: number | null;
}

export const RUN_COLUMNS = 'id, kind, suite_id, status, config_version, total, done, passed, score, summary, error, created_at, finished_at';

export function presentRun(r: RunRow) {
  return {
    id: r.id,
    kind: r.kind,
    suite_id: r.suite_id,
    status: r.status,
    config_version: r.config_version,
    progress: { done: r.done, total: r.total },
    passed: r.passed,
    score: r.score,
    summary: r.summary,
    error: r.error,
    created_at: r.created_at.toISOString(),
    finished_at: r.finished_at?.toISOString() ?? null,
  };
}
