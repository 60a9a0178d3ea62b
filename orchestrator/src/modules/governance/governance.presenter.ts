export interface AuditListRow {
  seq: number;
  id: string;
  occurred_at: Date | string;
  actor_type: string;
  actor_ref: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  data: Record<string, unknown>;
  request_id: string | null;
  prev_hash: string;
  hash: string;
  actor_pseudonym: string | null;
  resource_pseudonym: string | null;
  actor_label: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** An audit row as callers see it: refs of erased people replaced by their pseudonym, never un-masked. */
export function presentAuditRow(r: AuditListRow) {
  return {
    seq: r.seq,
    id: r.id,
    occurred_at: iso(r.occurred_at)!,
    actor: { type: r.actor_type, ref: r.actor_pseudonym ?? r.actor_ref, label: r.actor_pseudonym ? null : r.actor_label, erased: !!r.actor_pseudonym },
    action: r.action,
    resource: { type: r.resource_type, id: r.resource_pseudonym ?? r.resource_id },
    data: r.data,
    request_id: r.request_id,
    hash: r.hash,
    prev_hash: r.prev_hash,
  };
}

export interface DsarRow {
  id: string;
  type: 'export' | 'delete';
  status: 'pending' | 'running' | 'completed' | 'failed';
  requested_by: string;
  summary: Record<string, unknown>;
  archive?: unknown;
  has_archive?: boolean;
  error: string | null;
  created_at: Date;
  completed_at: Date | null;
  expires_at: Date | null;
}

export function presentDsar(r: DsarRow) {
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    requested_by: r.requested_by,
    summary: r.summary,
    archive_available: r.has_archive ?? (r.archive !== null && r.archive !== undefined),
    error: r.error,
    created_at: iso(r.created_at)!,
    completed_at: iso(r.completed_at),
    expires_at: iso(r.expires_at),
  };
}
