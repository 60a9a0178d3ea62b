import type { Tx } from '../../platform/db';
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

/** Writes a timeline entry in the caller's tenant transaction; live subscribers hear it after commit. */
export async function recordActivity(tx: Tx, bus: EventBus, tenantId: string, input: ActivityInput): Promise<ActivityRow> {
  const r = await tx.query<ActivityRow>(
    `INSERT INTO activity (tenant_id, type, actor, resource_type, resource_id, summary, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING id, type, actor, resource_type, resource_id, summary, data, created_at`,
    [tenantId, input.type, input.actor ?? null, input.resourceType ?? null, input.resourceId ?? null, input.summary, JSON.stringify(input.data ?? {})],
  );
  const row = r.rows[0]!;
  tx.afterCommit(() => bus.publish({ tenantId, type: 'activity', data: presentActivity(row) }));
  return row;
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
