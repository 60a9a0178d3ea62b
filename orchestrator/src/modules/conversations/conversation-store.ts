import { withParts, type Queryable, type StatementPart } from '../../platform/db';

/**
 * Data access for conversations and messages. Every function runs inside the caller's tenant
 * transaction (row-level security scopes it); none of them decides who may do what.
 */

export interface ConversationRow {
  id: string;
  channel: string;
  external_id: string | null;
  user_subject: string | null;
  title: string | null;
  status: 'open' | 'pending' | 'escalated' | 'resolved' | 'closed';
  owner: 'bot' | 'human';
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  last_message_at: Date | null;
}

export interface MessageRow {
  id: string;
  conversation_id: string;
  role: 'system' | 'user' | 'assistant' | 'tool' | 'agent';
  content: string;
  citations: unknown[];
  tool_calls: unknown[];
  model: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: string | number;
  latency_ms: number | null;
  safety_flags: unknown[];
  external_id: string | null;
  created_at: Date;
}

const CONVERSATION_COLUMNS = 'id, channel, external_id, user_subject, title, status, owner, metadata, created_at, updated_at, last_message_at';
const MESSAGE_COLUMNS =
  'id, conversation_id, role, content, citations, tool_calls, model, prompt_tokens, completion_tokens, cost_usd, latency_ms, safety_flags, external_id, created_at';

export type NewConversation = {
  channel: string;
  ownerRef: string | null;
  title?: string | null;
  externalId?: string | null;
  metadata?: Record<string, unknown>;
};
export type FirstMessage = { role: MessageRow['role']; content: string; safetyFlags?: unknown[]; externalId?: string | null };

export async function insertConversation(tx: Queryable, tenantId: string, input: NewConversation): Promise<ConversationRow> {
  const r = await tx.query<ConversationRow>(
    `INSERT INTO conversations (tenant_id, channel, external_id, user_subject, title, metadata)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${CONVERSATION_COLUMNS}`,
    [tenantId, input.channel, input.externalId ?? null, input.ownerRef, input.title ?? null, JSON.stringify(input.metadata ?? {})],
  );
  return r.rows[0]!;
}

/**
 * A new conversation, its first message and the rows a caller adds about them (`alongside`: one data-modifying
 * statements, e.g. the webhook outbox and the audit row), in one statement: a chat turn's first write is on the path
 * to the answer's first token. The caller makes the conversation id, so that every part can name it up front.
 */
export async function insertConversationWithMessage(
  tx: Queryable,
  tenantId: string,
  input: NewConversation & { id: string },
  message: FirstMessage,
  alongside: StatementPart[] = [],
): Promise<{ conversation: ConversationRow; message: MessageRow }> {
  const base = [tenantId, input.id, input.channel, input.externalId ?? null, input.ownerRef, input.title ?? null, JSON.stringify(input.metadata ?? {})];
  const first = [message.role, message.content, JSON.stringify(message.safetyFlags ?? []), message.externalId ?? null];
  const { sql: extra, params: extraParams } = withParts(alongside, 12);
  const r = await tx.query<ConversationRow & Record<`m_${string}`, unknown>>(
    `WITH conversation AS (
       INSERT INTO conversations (tenant_id, id, channel, external_id, user_subject, title, metadata, last_message_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now()) RETURNING ${CONVERSATION_COLUMNS}
     ), message AS (
       INSERT INTO messages (tenant_id, conversation_id, role, content, safety_flags, external_id)
       VALUES ($1, $2, $8, $9, $10, $11) RETURNING ${MESSAGE_COLUMNS}
     )${extra}
     SELECT c.*, ${MESSAGE_COLUMNS.split(', ')
       .map((column) => `m.${column} AS m_${column}`)
       .join(', ')}
     FROM conversation c, message m`,
    [...base, ...first, ...extraParams],
  );
  const row = r.rows[0]!;
  const conversation = Object.fromEntries(CONVERSATION_COLUMNS.split(', ').map((column) => [column, row[column as keyof ConversationRow]]));
  const stored = Object.fromEntries(MESSAGE_COLUMNS.split(', ').map((column) => [column, row[`m_${column}`]]));
  return { conversation: conversation as unknown as ConversationRow, message: stored as unknown as MessageRow };
}

/** `forUpdate` locks the row so concurrent turns and escalations of one conversation serialise. */
export async function findConversation(tx: Queryable, tenantId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<ConversationRow | null> {
  const r = await tx.query<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE tenant_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

export async function listConversationRows(
  tx: Queryable,
  tenantId: string,
  filter: { ownerRef?: string; status?: string; before?: Date; limit: number },
): Promise<ConversationRow[]> {
  const r = await tx.query<ConversationRow>(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations
     WHERE tenant_id = $1 AND ($2::text IS NULL OR user_subject = $2) AND ($3::text IS NULL OR status = $3)
       AND ($4::timestamptz IS NULL OR updated_at < $4)
     ORDER BY updated_at DESC, id DESC LIMIT $5`,
    [tenantId, filter.ownerRef ?? null, filter.status ?? null, filter.before ?? null, filter.limit],
  );
  return r.rows;
}

export async function insertMessage(
  tx: Queryable,
  tenantId: string,
  message: {
    conversationId: string;
    role: MessageRow['role'];
    content: string;
    citations?: unknown[];
    toolCalls?: unknown[];
    model?: string | null;
    promptTokens?: number;
    completionTokens?: number;
    costUsd?: number;
    latencyMs?: number | null;
    safetyFlags?: unknown[];
    externalId?: string | null;
    /** Made by the caller when parts of the same statement (`alongside`) must name the message. */
    id?: string;
  },
  alongside: StatementPart[] = [],
): Promise<MessageRow> {
  const { sql: extra, params: extraParams } = withParts(alongside, 15);
  const r = await tx.query<MessageRow>(
    // One round trip: the conversation's activity timestamps move with the insert (a data-modifying CTE).
    `WITH inserted AS (
       INSERT INTO messages (id, tenant_id, conversation_id, role, content, citations, tool_calls, model, prompt_tokens, completion_tokens, cost_usd, latency_ms, safety_flags, external_id)
       VALUES (coalesce($14::uuid, gen_random_uuid()), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${MESSAGE_COLUMNS}
     ), touched AS (
       UPDATE conversations SET last_message_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2
     )${extra}
     SELECT * FROM inserted`,
    [
      tenantId,
      message.conversationId,
      message.role,
      message.content,
      JSON.stringify(message.citations ?? []),
      JSON.stringify(message.toolCalls ?? []),
      message.model ?? null,
      message.promptTokens ?? 0,
      message.completionTokens ?? 0,
      message.costUsd ?? 0,
      message.latencyMs ?? null,
      JSON.stringify(message.safetyFlags ?? []),
      message.externalId ?? null,
      message.id ?? null,
      ...extraParams,
    ],
  );
  return r.rows[0]!;
}

/** The newest `limit` messages, returned oldest first (the order a prompt needs). */
export async function recentMessages(tx: Queryable, tenantId: string, conversationId: string, limit: number): Promise<MessageRow[]> {
  const r = await tx.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
    [tenantId, conversationId, limit],
  );
  return r.rows.reverse();
}

export async function updateConversationState(
  tx: Queryable,
  tenantId: string,
  id: string,
  state: { status: ConversationRow['status']; owner: ConversationRow['owner']; metadata?: Record<string, unknown> },
): Promise<ConversationRow> {
  const r = await tx.query<ConversationRow>(
    `UPDATE conversations SET status = $3, owner = $4, metadata = metadata || $5::jsonb, updated_at = now()
     WHERE tenant_id = $1 AND id = $2 RETURNING ${CONVERSATION_COLUMNS}`,
    [tenantId, id, state.status, state.owner, JSON.stringify(state.metadata ?? {})],
  );
  return r.rows[0]!;
}

/** Messages go with it (ON DELETE CASCADE). */
export async function deleteConversationRow(tx: Queryable, tenantId: string, id: string): Promise<number> {
  const r = await tx.query<{ n: number }>(
    'WITH gone AS (DELETE FROM messages WHERE tenant_id = $1 AND conversation_id = $2 RETURNING 1) SELECT count(*)::int AS n FROM gone',
    [tenantId, id],
  );
  await tx.query('DELETE FROM conversations WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return r.rows[0]?.n ?? 0;
}
