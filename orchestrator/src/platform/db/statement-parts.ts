/**
 * Data-modifying statements folded into another statement as CTEs: a hot path's change, its outbox rows and its audit
 * rows commit in one round trip instead of one each. A part numbers its own parameters from `firstParam`, where it is placed.
 */
export type StatementPart = { sql: (firstParam: number) => string; params: unknown[] };

/** The parts as `, partN AS (…)` CTEs after a statement's own `firstParam - 1` parameters. */
export function withParts(parts: StatementPart[], firstParam: number): { sql: string; params: unknown[] } {
  let next = firstParam;
  const sql = parts
    .map((part, i) => {
      const cte = `, part${i} AS (${part.sql(next)})`;
      next += part.params.length;
      return cte;
    })
    .join('');
  return { sql, params: parts.flatMap((part) => part.params) };
}
