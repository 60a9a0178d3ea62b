import type { StatementPart, Tx } from '../../platform/db';
import type { EventBus } from '../../platform/bus';

export interface ActivityInput {
  type: string;
  actor?: string | null;
  resourceType?: string | null;
  resourceId?: string | null;
  /** One human sentence for the timeline; no personal data or message content. */
  summary: string;
  data?: Record<string, unknown>;
}

export interface ActivityRow {
  id: number;
  type: string;
  actor: string | null;
  resource_type: string | null;
  resource_id: string | null;
  summary: string;
  data: Record<string, unknown>;
  created_at: Date;
}

/** What an activity insert returns (`RETURNING ${ACTIVITY_COLUMNS}`), for hot paths that fold the insert into a statement. */
export const ACTIVITY_COLUMNS = 'id, type, actor, resource_type, resource_id, summary, data, created_at';

/** Writes a timeline entry in the caller's tenant transaction; live subscribers hear it after commit. */
export async function recordActivity(tx: Tx, bus: EventBus, tenantId: string, input: ActivityInput): Promise<ActivityRow> {
  const insert = activityPart(tenantId, input);
  const row = (await tx.query<ActivityRow>(insert.sql(1), insert.params)).rows[0]!;
  announceActivity(tx, bus, tenantId, row);
  return row;
}

/**
 * The insert, as recordActivity's statement or as a part of a hot path's own (platform/db/statement-parts.ts); it
 * returns the row (`RETURNING ${ACTIVITY_COLUMNS}`), for the caller to pass to announceActivity.
 */
export function activityPart(tenantId: string, input: ActivityInput): StatementPart {
  return {
    sql: (p) =>
      `INSERT INTO activity (tenant_id, type, actor, resource_type, resource_id, summary, data)
       VALUES ($${p}::uuid, $${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}::jsonb) RETURNING ${ACTIVITY_COLUMNS}`,
    params: [tenantId, input.type, input.actor ?? null, input.resourceType ?? null, input.resourceId ?? null, input.summary, JSON.stringify(input.data ?? {})],
  };
}

/** Live subscribers hear a timeline entry once the transaction that wrote it commits (a row from either path). */
export function announceActivity(tx: Tx, bus: EventBus, tenantId: string, row: ActivityRow): void {
  tx.afterCommit(() => bus.publish({ tenantId, type: 'activity', data: presentActivity(row) }));
}

export function presentActivity(row: ActivityRow) {
  return {
    id: String(row.id),
    type: row.type,
    actor: row.actor,
    resource_type: row.resource_type,
    resource_id: row.resource_id,
    summary: row.summary,
    data: row.data,
    created_at: new Date(row.created_at).toISOString(),
  };
}
