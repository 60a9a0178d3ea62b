import type { Queryable } from '../../platform/db';
import { allRefs, type DataSubject } from './subjects';
import { chatwootContactsByEmail, mirroredConversationIds, type ChatwootContact } from './chatwoot-subjects';

/**
 * Where a person's data lives. The foundation tables are queried directly; tables owned by capabilities that
 * may not be installed (memories, tool executions) are described here and looked up in the catalog at run time,
 * so a DSAR covers them as soon as their migration exists and never fails when it does not.
 */
export interface OptionalPersonalTable {
  table: string;
  /** Columns that may hold a reference to the person (first ones that exist are used). */
  personColumns: string[];
  /**
   * On erasure: delete the rows, or keep them as evidence with their content columns blanked (NULL where the
   * column allows it) and the person's references in personColumns replaced by their pseudonym.
   */
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
  // the handoff context a Chatwoot agent sees holds a summary of what the customer wrote
  { table: 'chatwoot_conversations', personColumns: [], erase: 'scrub', contentColumns: ['handoff'] },
];

/**
 * Conversations of the person: by subject/email on the row or in its metadata, and the Chatwoot conversations of
 * their Chatwoot contacts (a widget customer is known to Atrium only as a Chatwoot contact). Also returns the
 * contacts their email led to, so erasure need not scan the recorded deliveries a second time.
 */
export async function conversationsOf(
  q: Queryable,
  tenantId: string,
  s: DataSubject,
): Promise<{ conversationIds: string[]; contactsByEmail: ChatwootContact[] }> {
  const r = await q.query<{ id: string }>(
    `SELECT id FROM conversations
      WHERE tenant_id = $1
        AND (user_subject = ANY($2) OR lower(metadata->>'email') = ANY($3) OR lower(metadata->'contact'->>'email') = ANY($3))`,
    [tenantId, s.subjects.concat(s.emails), s.emails],
  );
  const contactsByEmail = await chatwootContactsByEmail(q, tenantId, s.emails);
  const chatwoot = await mirroredConversationIds(q, tenantId, contactsByEmail);
  return { conversationIds: [...new Set([...r.rows.map((x) => x.id), ...chatwoot])], contactsByEmail };
}

const BLANK: Record<string, string> = { jsonb: `'{}'::jsonb`, json: `'{}'::json`, text: `''`, 'character varying': `''` };

interface ColumnInfo {
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
}

async function columnsOf(q: Queryable, table: string): Promise<ColumnInfo[]> {
  const r = await q.query<ColumnInfo>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  return r.rows;
}

const blankOf = (c: ColumnInfo) => `${c.column_name} = ${c.is_nullable === 'YES' ? 'NULL' : (BLANK[c.data_type] ?? 'NULL')}`;

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

export async function eraseOptionalTables(q: Queryable, tenantId: string, s: DataSubject, conversationIds: string[], pseudonym: string) {
  const counts: Record<string, number> = {};
  for (const spec of OPTIONAL_PERSONAL_TABLES) {
    const columns = await columnsOf(q, spec.table);
    const f = personFilter(spec, columns, tenantId, allRefs(s), conversationIds);
    if (!f) continue;
    if (spec.erase === 'delete') {
      counts[spec.table] = (await q.query(`DELETE FROM ${spec.table} WHERE ${f.where}`, f.params)).rowCount;
      continue;
    }
    const params = [...f.params];
    const pseudonymise = columns.filter((c) => spec.personColumns.includes(c.column_name));
    const refs = pseudonymise.length ? `$${params.push(allRefs(s))}::text[]` : '';
    const alias = pseudonymise.length ? `$${params.push(pseudonym)}` : '';
    const set = [
      ...columns.filter((c) => spec.contentColumns?.includes(c.column_name)).map(blankOf),
      ...pseudonymise.map((c) => `${c.column_name} = CASE WHEN ${c.column_name}::text = ANY(${refs}) THEN ${alias} ELSE ${c.column_name} END`),
    ];
    if (set.length) counts[spec.table] = (await q.query(`UPDATE ${spec.table} SET ${set.join(', ')} WHERE ${f.where}`, params)).rowCount;
  }
  return counts;
}
