import type { Services } from '../../../platform/services';

export interface PartitionOutcome {
  parent: string;
  partition: string;
  outcome: 'created' | 'exists' | 'blocked';
}

/** Months ahead to keep partitioned: a maintenance job that stops running has three months before rows fall back to the default partition. */
export const PARTITION_MONTHS_AHEAD = 3;

/**
 * Creates the monthly partitions of `messages` and `audit_log` for the current UTC month and the next ones
 * (migration 0700, `atrium_ensure_partitions`, which runs as the schema owner). Idempotent. A month whose rows
 * already sit in the default partition cannot get its own partition; it is reported as `blocked` and logged,
 * and its rows stay in the default partition, queryable as any other.
 */
export async function maintainPartitions(services: Services, monthsAhead = PARTITION_MONTHS_AHEAD): Promise<PartitionOutcome[]> {
  const r = await services.db.query<{ parent: string; partition_name: string; outcome: PartitionOutcome['outcome'] }>(
    'SELECT parent, partition_name, outcome FROM atrium_ensure_partitions($1)',
    [monthsAhead],
  );
  const outcomes = r.rows.map((row) => ({ parent: row.parent, partition: row.partition_name, outcome: row.outcome }));
  const blocked = outcomes.filter((o) => o.outcome === 'blocked');
  if (blocked.length)
    services.log.warn({ blocked: blocked.map((o) => o.partition) }, 'partitions: rows for these months are in the default partition; see docs/SCALING.md');
  return outcomes;
}
