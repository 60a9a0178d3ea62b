import type { Queryable } from '../../platform/db';
import { notFound } from '../../platform/errors';

export interface SourceRow {
  id: string;
  kind: 'upload' | 'web' | 'api';
  name: string;
  config: Record<string, unknown>;
  access_groups: string[];
  sensitivity: string;
  sync_status: 'idle' | 'syncing' | 'failed';
  sync_error: string | null;
  last_synced_at: Date | null;
  document_count: number;
  created_at: Date;
}

export const SOURCE_SELECT = `SELECT s.id, s.kind, s.name, s.config, s.access_groups, s.sensitivity, s.sync_status, s.sync_error, s.last_synced_at, s.created_at,
  (SELECT count(*)::int FROM knowledge_documents d WHERE d.source_id = s.id) AS document_count
  FROM knowledge_sources s`;

export async function getSource(tx: Queryable, id: string): Promise<SourceRow> {
  const r = await tx.query<SourceRow>(`${SOURCE_SELECT} WHERE s.id = $1`, [id]);
  if (!r.rows[0]) throw notFound('Knowledge source');
  return r.rows[0];
}
