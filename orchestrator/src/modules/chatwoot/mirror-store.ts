import type { WebhookConversation } from '@atrium/connectors/chatwoot';
import type { Queryable } from '../../platform/db';
import type { StoredHandoff } from './chatwoot.schema';

/**
 * Data access for the Chatwoot mirror: `chatwoot_conversations` (bridge state) next to the foundation's
 * `conversations`/`messages` (channel 'chatwoot'). Runs inside the caller's tenant transaction.
 */
export type ChatwootStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export type Owner = 'bot' | 'human';

export interface MirrorRow {
  chatwoot_conversation_id: string;
  conversation_id: string;
  status: ChatwootStatus;
  owner: Owner;
  state_version: number;
  contact_id: string | null;
  handoff: StoredHandoff | null;
}

export const MIRROR_COLUMNS = 'chatwoot_conversation_id, conversation_id, status, owner, state_version, contact_id, handoff';

/** Foundation `conversations.status` for a Chatwoot status; a bot handoff shows as `escalated`. */
export function atriumStatus(status: ChatwootStatus, handedOff: boolean): string {
  if (status === 'resolved') return 'resolved';
  if (status === 'open') return handedOff ? 'escalated' : 'open';
  return 'pending';
}

export async function findMirror(tx: Queryable, tenantId: string, integrationId: string, chatwootId: number, forUpdate = false): Promise<MirrorRow | null> {
  const r = await tx.query<MirrorRow>(
    `SELECT ${MIRROR_COLUMNS} FROM chatwoot_conversations WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3${forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, integrationId, chatwootId],
  );
  return r.rows[0] ?? null;
}

/**
 * The mirror row of a Chatwoot conversation, created on first sight. A new conversation is the bot's when it
 * is `pending` and no human is assigned (Chatwoot's bot-inbox convention, README §3).
 */
export async function ensureMirror(
  tx: Queryable,
  tenantId: string,
  integrationId: string,
  conv: WebhookConversation,
): Promise<{ row: MirrorRow; created: boolean }> {
  const existing = await findMirror(tx, tenantId, integrationId, conv.id, true);
  if (existing) return { row: existing, created: false };
  const owner: Owner = conv.status === 'pending' && conv.meta.assignee_type !== 'User' ? 'bot' : 'human';
  const externalId = `${integrationId}:${conv.id}`;
  // DO NOTHING (not DO UPDATE): taking the conversations row lock here, before the mirror row's, could deadlock
  // with a transaction that holds the mirror row and updates the conversation (lock order: mirror first).
  const c = await tx.query<{ id: string }>(
    `INSERT INTO conversations (tenant_id, channel, external_id, status, owner, metadata)
     VALUES ($1, 'chatwoot', $2, $3, $4, $5)
     ON CONFLICT (tenant_id, channel, external_id) WHERE external_id IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      tenantId,
      externalId,
      atriumStatus(conv.status, false),
      owner,
      JSON.stringify({ chatwoot: { integration_id: integrationId, conversation_id: conv.id, inbox_id: conv.inbox_id } }),
    ],
  );
  const conversationId =
    c.rows[0]?.id ??
    (await tx.query<{ id: string }>(`SELECT id FROM conversations WHERE tenant_id = $1 AND channel = 'chatwoot' AND external_id = $2`, [tenantId, externalId]))
      .rows[0]!.id;
  // created at the event's state version: applying the same snapshot next is then a no-op, not another UPDATE
  const inserted = await tx.query<MirrorRow>(
    `INSERT INTO chatwoot_conversations (tenant_id, integration_id, chatwoot_conversation_id, conversation_id, inbox_id, contact_id, status, owner, state_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT DO NOTHING RETURNING ${MIRROR_COLUMNS}`,
    [tenantId, integrationId, conv.id, conversationId, conv.inbox_id, conv.contact_inbox?.contact_id ?? null, conv.status, owner, conv.updated_at ?? 0],
  );
  if (inserted.rows[0]) return { row: inserted.rows[0], created: true };
  // a concurrent delivery created it between our SELECT and INSERT: take theirs, locked
  return { row: (await findMirror(tx, tenantId, integrationId, conv.id, true))!, created: false };
}

export async function updateMirror(
  tx: Queryable,
  tenantId: string,
  integrationId: string,
  chatwootId: number,
  patch: { status?: ChatwootStatus; owner?: Owner; stateVersion?: number; handoff?: StoredHandoff | null },
): Promise<void> {
  await tx.query(
    `UPDATE chatwoot_conversations SET
       status = coalesce($4, status), owner = coalesce($5, owner), state_version = greatest(state_version, coalesce($6, state_version)),
       handoff = CASE WHEN $7::boolean THEN $8::jsonb ELSE handoff END, updated_at = now()
     WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3`,
    [
      tenantId,
      integrationId,
      chatwootId,
      patch.status ?? null,
      patch.owner ?? null,
      patch.stateVersion ?? null,
      patch.handoff !== undefined,
      patch.handoff === undefined || patch.handoff === null ? null : JSON.stringify(patch.handoff),
    ],
  );
  // a new state version alone changes nothing the foundation's `conversations` row shows: one statement, not three
  if (patch.status === undefined && patch.owner === undefined && patch.handoff === undefined) return;
  const m = await findMirror(tx, tenantId, integrationId, chatwootId);
  if (m) {
    await tx.query('UPDATE conversations SET status = $3, owner = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      m.conversation_id,
      atriumStatus(m.status, m.handoff !== null && m.owner === 'human'),
      m.owner,
    ]);
  }
}

export type Author = 'customer' | 'agent' | 'bot' | 'private_note' | 'system';
const ROLE: Partial<Record<Author, string>> = { customer: 'user', bot: 'assistant', agent: 'agent' };

async function insertMirroredMessage(
  tx: Queryable,
  tenantId: string,
  integrationId: string,
  conversationId: string,
  chatwootId: number,
  role: string,
  content: string,
  citations: unknown[] = [],
): Promise<void> {
  // one statement (three round trips before): the message, its link from the Chatwoot row, the conversation's clock
  await tx.query(
    `WITH m AS (
       INSERT INTO messages (tenant_id, conversation_id, role, content, citations, external_id) VALUES ($1, $4, $5, $6, $7, $8) RETURNING id
     ), linked AS (
       UPDATE chatwoot_messages SET message_id = (SELECT id FROM m), pending_content = NULL
        WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_message_id = $3
     )
     UPDATE conversations SET last_message_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $4`,
    [tenantId, integrationId, chatwootId, conversationId, role, content, JSON.stringify(citations), `chatwoot:${chatwootId}`],
  );
}

/**
 * Mirrors one Chatwoot message once (its id is the key). Private notes and system messages are recorded as seen
 * but never copied into `messages`: the conversation history the model reads must not contain agents' notes.
 * `defer`: a customer message the bot will answer waits in `pending_content`; the turn persists it (the chat
 * pipeline stores the question with its safety flags), so it is never stored twice.
 */
export async function mirrorMessage(
  tx: Queryable,
  tenantId: string,
  integrationId: string,
  row: MirrorRow,
  message: { id: number; author: Author; content: string; citations?: unknown[]; defer?: boolean; messageId?: string | null },
): Promise<boolean> {
  const seen = await tx.query(
    `INSERT INTO chatwoot_messages (tenant_id, integration_id, chatwoot_message_id, chatwoot_conversation_id, author, pending_content, message_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING chatwoot_message_id`,
    [tenantId, integrationId, message.id, row.chatwoot_conversation_id, message.author, message.defer ? message.content : null, message.messageId ?? null],
  );
  if (!seen.rowCount) return false;
  const role = ROLE[message.author];
  if (!role || message.defer || message.messageId) return true;
  await insertMirroredMessage(tx, tenantId, integrationId, row.conversation_id, message.id, role, message.content, message.citations);
  return true;
}

/** Writes deferred customer messages into `messages` (when no turn will: the humans have the conversation). */
export async function persistDeferred(tx: Queryable, tenantId: string, integrationId: string, row: MirrorRow, ids: readonly number[]): Promise<void> {
  // one statement for the whole batch (a read, then insertMirroredMessage per message, before): the messages in
  // Chatwoot's order, each linked from its Chatwoot row by the external id, and the conversation's clock if any
  await tx.query(
    `WITH deferred AS (
       SELECT chatwoot_message_id AS id, pending_content FROM chatwoot_messages
        WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_message_id = ANY($3::bigint[]) AND message_id IS NULL AND pending_content IS NOT NULL
     ), m AS (
       INSERT INTO messages (tenant_id, conversation_id, role, content, citations, external_id)
       SELECT $1, $4, 'user', pending_content, '[]', 'chatwoot:' || id FROM deferred ORDER BY abs(id)
       RETURNING id, external_id
     ), linked AS (
       UPDATE chatwoot_messages cm SET message_id = m.id, pending_content = NULL FROM m
        WHERE cm.tenant_id = $1 AND cm.integration_id = $2 AND cm.chatwoot_message_id = ANY($3::bigint[]) AND m.external_id = 'chatwoot:' || cm.chatwoot_message_id
     )
     UPDATE conversations SET last_message_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $4 AND EXISTS (SELECT 1 FROM m)`,
    [tenantId, integrationId, ids, row.conversation_id],
  );
}

/** Links deferred customer messages to the user message the chat turn stored for them. */
export async function linkDeferred(tx: Queryable, tenantId: string, integrationId: string, ids: readonly number[], messageId: string): Promise<void> {
  await tx.query(
    `UPDATE chatwoot_messages SET message_id = $4, pending_content = NULL WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_message_id = ANY($3::bigint[])`,
    [tenantId, integrationId, ids, messageId],
  );
}

/** Marks customer messages as dealt with (answered, handed off, or left to the humans who own the conversation). */
export async function markHandled(tx: Queryable, tenantId: string, integrationId: string, messageIds: readonly number[]): Promise<void> {
  if (!messageIds.length) return;
  await tx.query(
    `UPDATE chatwoot_messages SET handled = true, pending_content = NULL WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_message_id = ANY($3::bigint[])`,
    [tenantId, integrationId, messageIds],
  );
}

/**
 * What a bot turn works from, in one round trip: the customer messages the bot has not dealt with yet (oldest first;
 * a widget submission is mirrored as minus the id of the interactive message it answers, submission.ts, so `abs`
 * places it right after that message) and the last `limit` mirrored messages (customer, bot, agents) as the model's
 * context, oldest first.
 */
export async function pendingWork(
  tx: Queryable,
  tenantId: string,
  integrationId: string,
  row: MirrorRow,
  limit = 12,
): Promise<{ messages: Array<{ id: number; content: string }>; history: Array<{ role: string; content: string }> }> {
  const r = await tx.query<{ id: string | null; role: string | null; content: string }>(
    `(SELECT cm.chatwoot_message_id AS id, NULL AS role, coalesce(cm.pending_content, m.content, '') AS content, 0 AS part, abs(cm.chatwoot_message_id) AS ord
        FROM chatwoot_messages cm LEFT JOIN messages m ON m.tenant_id = cm.tenant_id AND m.id = cm.message_id
       WHERE cm.tenant_id = $1 AND cm.integration_id = $2 AND cm.chatwoot_conversation_id = $3 AND cm.author = 'customer' AND NOT cm.handled)
     UNION ALL
     (SELECT NULL, role, content, 1, row_number() OVER (ORDER BY created_at) FROM
        (SELECT role, content, created_at FROM messages WHERE tenant_id = $1 AND conversation_id = $4 ORDER BY created_at DESC LIMIT $5) recent)
     ORDER BY part, ord`,
    [tenantId, integrationId, row.chatwoot_conversation_id, row.conversation_id, limit],
  );
  const messages: Array<{ id: number; content: string }> = [];
  const history: Array<{ role: string; content: string }> = [];
  for (const x of r.rows) {
    if (x.role === null) messages.push({ id: Number(x.id), content: x.content });
    else history.push({ role: x.role, content: x.content });
  }
  return { messages, history };
}
