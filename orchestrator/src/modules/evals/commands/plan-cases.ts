import type { Queryable } from '../../../platform/db';
import { builtInAttackSets } from '../attack-sets';
import { attackSchema, goldenCaseSchema, probeSchema, type Attack, type GoldenCase, type Probe } from '../evals.schema';

export type PlannedCase =
  | { kind: 'golden'; id: string; category: null; case: GoldenCase; probe: Probe }
  | { kind: 'attack'; id: string; category: string; attack: Attack; probe: Probe };

const DEFAULT_PROBE: Probe = probeSchema.parse({});

/** The ordered case list of a run; deterministic, so a resumed run continues at the same index. */
export async function planCases(
  tx: Queryable,
  run: { kind: 'eval' | 'redteam'; suite_id: string | null; summary: Record<string, unknown> },
): Promise<PlannedCase[]> {
  if (run.kind === 'eval') {
    const s = await tx.query<{ cases: unknown[]; probe: unknown }>('SELECT cases, probe FROM eval_suites WHERE id = $1', [run.suite_id]);
    const suite = s.rows[0];
    if (!suite) throw new Error('the suite of this run was deleted');
    const probe = probeSchema.parse(suite.probe ?? {});
    return suite.cases.map((raw, i) => {
      const c = goldenCaseSchema.parse(raw);
      return { kind: 'golden', id: c.id ?? `case-${i + 1}`, category: null, case: c, probe };
    });
  }
  const wanted = Array.isArray(run.summary.sets) ? (run.summary.sets as string[]) : null;
  const planned: PlannedCase[] = [];
  for (const set of builtInAttackSets()) {
    if (wanted && !wanted.includes(set.set)) continue;
    for (const attack of set.attacks) planned.push({ kind: 'attack', id: attack.id, category: set.category, attack, probe: attack.probe ?? DEFAULT_PROBE });
  }
  const custom = await tx.query<{ name: string; cases: unknown[]; probe: { category?: string } }>(
    `SELECT name, cases, probe FROM eval_suites WHERE kind = 'redteam' ORDER BY created_at, name`,
  );
  for (const suite of custom.rows) {
    for (const raw of suite.cases) {
      const attack = attackSchema.parse(raw);
      planned.push({
        kind: 'attack',
        id: `${suite.name}/${attack.id}`,
        category: suite.probe.category ?? 'custom',
        attack,
        probe: attack.probe ?? DEFAULT_PROBE,
      });
    }
  }
  return planned;
}
