import type { Queryable } from '../../platform/db';
import { allRefs, type DataSubject } from './subjects';

/**
 * Where a person's data lives. The foundation tables are queried directly; tables owned by capabilities that
 * may not be installed (memories, tool executions) are described here and looked up in the catalog at run time,
 * so a DSAR covers them as soon as their migration exists and never fails when it does not.
 */
export interface OptionalPersonalTable {
  table: string;
  /** Columns that may hold a reference to the person (first ones that exist are used). */
  personColumns: string[];
  /** On erasure: delete the rows, or blank their content columns and keep the row as evidence. */
  erase: 'delete' | 'scrub';
  contentColumns?: string[];
}

export const OPTIONAL_PERSONAL_TABLES: OptionalPersonalTable[] = [
  { table: 'memories', personColumns: ['owner_ref'], erase: 'delete' },
  { table: 'memory_consents', personColumns: ['owner_ref'], erase: 'delete' },
  {
    table: 'tool_executions',
    personColumns: ['actor_ref'],
    erase: 'scrub',
    contentColumns: ['input', 'output', 'error_message'],
  },
  {
    table: 'approvals',
    personColumns: ['requested_by', 'decided_by'],
    erase: 'scrub',
    contentColumns: ['details', 'tool_input', 'result', 'error', 'decision_reason'],
  },
];

/** Conversations of the person: by subject/email on the row or in the channel metadata Chatwoot fills. */
export async function conversationIdsOf(q: Queryable, tenantId: string, s: DataSubject): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `SELECT id FROM conversations
      WHERE tenant_id = $1
        AND (user_subject = ANY($2) OR lower(metadata->>'email') = ANY($3) OR lower(metadata->'contact'->>'email') = ANY($3))`,
    [tenantId, s.subjects.concat(s.emails), s.emails],
  );
  return r.rows.map((x) => x.id);
}

/** Chatwoot contact ids of the person's conversations (for deletion in Chatwoot itself), from the mirror table if present. */
export async function chatwootContactIdsOf(q: Queryable, tenantId: string, conversationIds: string[]): Promise<number[]> {
  const fromMetadata = await q.query<{ contact: string | null }>(
    `SELECT coalesce(metadata->'contact'->>'id', metadata->>'chatwoot_contact_id') AS contact FROM conversations WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
    [tenantId, conversationIds],
  );
  const ids = fromMetadata.rows.map((x) => x.contact);
  if ((await columnsOf(q, 'chatwoot_conversations')).some((c) => c.column_name === 'contact_id')) {
    const mirrored = await q.query<{ contact: string | null }>(
      `SELECT contact_id::text AS contact FROM chatwoot_conversations WHERE tenant_id = $1 AND conversation_id = ANY($2::uuid[])`,
      [tenantId, conversationIds],
    );
    ids.push(...mirrored.rows.map((x) => x.contact));
  }
  return [...new Set(ids.map(Number).filter((n) => Number.isInteger(n) && n > 0))];
}

const BLANK: Record<string, string> = { jsonb: `'{}'::jsonb`, json: `'{}'::json`, text: `''`, 'character varying': `''` };

interface ColumnInfo {
  column_name: string;
  data_type: string;
}

async function columnsOf(q: Queryable, table: string): Promise<ColumnInfo[]> {
  const r = await q.query<ColumnInfo>(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`, [
    table,
  ]);
  return r.rows;
}

/** WHERE clause and parameters matching the person's rows in an optional table, or null if it cannot hold any. */
function personFilter(spec: OptionalPersonalTable, columns: ColumnInfo[], tenantId: string, refs: string[], conversationIds: string[]) {
  const names = new Set(columns.map((c) => c.column_name));
  if (!names.has('tenant_id')) return null;
  const params: unknown[] = [tenantId];
  const clauses = spec.personColumns.filter((c) => names.has(c)).map((c) => `${c}::text = ANY($${params.push(refs)}::text[])`);
  if (names.has('conversation_id')) clauses.push(`conversation_id = ANY($${params.push(conversationIds)}::uuid[])`);
  return clauses.length ? { where: `tenant_id = $1 AND (${clauses.join(' OR ')})`, params } : null;
}

export async function readOptionalTables(q: Queryable, tenantId: string, s: DataSubject, conversationIds: string[]) {
  const out: Record<string, unknown[]> = {};
  for (const spec of OPTIONAL_PERSONAL_TABLES) {
    const f = personFilter(spec, await columnsOf(q, spec.table), tenantId, allRefs(s), conversationIds);
    if (f) out[spec.table] = (await q.query(`SELECT * FROM ${spec.table} WHERE ${f.where}`, f.params)).rows;
  }
  return out;
}

export async function eraseOptionalTables(q: Queryable, tenantId: string, s: DataSubject, conversationIds: string[]) {
  const counts: Record<string, number> = {};
  for (const spec of OPTIONAL_PERSONAL_TABLES) {
    const columns = await columnsOf(q, spec.table);
    const f = personFilter(spec, columns, tenantId, allRefs(s), conversationIds);
    if (!f) continue;
    if (spec.erase === 'delete') {
      counts[spec.table] = (await q.query(`DELETE FROM ${spec.table} WHERE ${f.where}`, f.params)).rowCount;
      continue;
    }
    const blank = columns.filter((c) => spec.contentColumns?.includes(c.column_name)).map((c) => `${c.column_name} = ${BLANK[c.data_type] ?? 'NULL'}`);
    if (blank.length) counts[spec.table] = (await q.query(`UPDATE ${spec.table} SET ${blank.join(', ')} WHERE ${f.where}`, f.params)).rowCount;
  }
  return counts;
}
