import type { WebhookConversation } from '@atrium/connectors/chatwoot';
import type { Queryable, TenantTransactionOptions } from '../../platform/db';
import { ACTIVITY_COLUMNS, type ActivityRow } from '../activity';
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

/**
 * withTenant options that lock the conversation's mirror row with BEGIN, in its round trip: the lock order every
 * writer of a Chatwoot conversation keeps (mirror row first, then messages and the `conversations` row), without a
 * statement of its own.
 */
export function mirrorLockedFirst(integrationId: string, chatwootId: number): TenantTransactionOptions {
  return {
    lead: 'SELECT 1 FROM chatwoot_conversations WHERE tenant_id = :tenant AND integration_id = :integration AND chatwoot_conversation_id = :conversation FOR UPDATE',
    leadValues: { integration: integrationId, conversation: chatwootId },
  };
}

export async function findMirror(tx: Queryable, tenantId: string, integrationId: string, chatwootId: number, forUpdate = false): Promise<MirrorRow | null> {
  const r = await tx.query<MirrorRow>(
    `SELECT ${MIRROR_COLUMNS} FROM chatwoot_conversations WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3${forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, integrationId, chatwootId],
  );
  return r.rows[0] ?? null;
}

/**
 * The mirror row of a Chatwoot conversation, locked; created on first sight with its `conversations` row and its
 * `chatwoot.conversation_started` activity row (returned as `started`, for the caller to announce after commit). A new
 * conversation is the bot's when it is `pending` and no human is assigned (Chatwoot's bot-inbox convention, README §3).
 * One statement for the common cases (found, or created); the rare ones (a concurrent creator, a mirror row missing
 * beside an existing conversation) take a second.
 */
export async function ensureMirror(
  tx: Queryable,
  tenantId: string,
  integrationId: string,
  conv: WebhookConversation,
): Promise<{ row: MirrorRow; created: boolean; started?: ActivityRow }> {
  const owner: Owner = conv.status === 'pending' && conv.meta.assignee_type !== 'User' ? 'bot' : 'human';
  const externalId = `${integrationId}:${conv.id}`;
  // DO NOTHING (not DO UPDATE): taking the conversations row lock here, before the mirror row's, could deadlock
  // with a transaction that holds the mirror row and updates the conversation (lock order: mirror first).
  // The mirror row is created at the event's state version: applying the same snapshot next is then a no-op.
  const r = await tx.query<MirrorRow & { created: boolean; started: ActivityRow | null }>(
    `WITH existing AS (
       SELECT ${MIRROR_COLUMNS} FROM chatwoot_conversations WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 FOR UPDATE
     ), conv AS (
       INSERT INTO conversations (tenant_id, channel, external_id, status, owner, metadata)
       SELECT $1, 'chatwoot', $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM existing)
       ON CONFLICT (tenant_id, channel, external_id) WHERE external_id IS NOT NULL DO NOTHING
       RETURNING id
     ), created AS (
       INSERT INTO chatwoot_conversations (tenant_id, integration_id, chatwoot_conversation_id, conversation_id, inbox_id, contact_id, status, owner, state_version)
       SELECT $1, $2, $3, conv.id, $8, $9, $10, $6, $11 FROM conv
       ON CONFLICT DO NOTHING RETURNING ${MIRROR_COLUMNS}
     ), started AS (
       INSERT INTO activity (tenant_id, type, resource_type, resource_id, summary, data)
       SELECT $1, 'chatwoot.conversation_started', 'conversation', created.conversation_id, $12,
              jsonb_build_object('chatwoot_conversation_id', $3::bigint, 'owner', created.owner)
         FROM created
       RETURNING ${ACTIVITY_COLUMNS}
     )
     SELECT ${MIRROR_COLUMNS}, false AS created, NULL::json AS started FROM existing
     UNION ALL
     SELECT ${MIRROR_COLUMNS}, true, (SELECT row_to_json(started) FROM started) FROM created`,
    [
      tenantId,
      integrationId,
      conv.id,
      externalId,
      atriumStatus(conv.status, false),
      owner,
      JSON.stringify({ chatwoot: { integration_id: integrationId, conversation_id: conv.id, inbox_id: conv.inbox_id } }),
      conv.inbox_id,
      conv.contact_inbox?.contact_id ?? null,
      conv.status,
      conv.updated_at ?? 0,
      `New Chatwoot conversation ${conv.id} (inbox ${conv.inbox_id})`,
    ],
  );
  const found = r.rows[0];
  if (found) {
    const { created, started, ...row } = found;
    return started ? { row, created, started } : { row, created };
  }
  // a concurrent delivery created it (our insert waited for theirs, then did nothing): take theirs, locked
  const theirs = await findMirror(tx, tenantId, integrationId, conv.id, true);
  if (theirs) return { row: theirs, created: false };
  return { row: await mirrorExistingConversation(tx, tenantId, integrationId, conv, owner, externalId), created: false };
}

/** A mirror row for a conversation whose `conversations` row exists without one (it was removed): linked to it. */
async function mirrorExistingConversation(
  tx: Queryable,
  tenantId: string,
  integrationId: string,
  conv: WebhookConversation,
  owner: Owner,
  externalId: string,
): Promise<MirrorRow> {
  const c = await tx.query<{ id: string }>(`SELECT id FROM conversations WHERE tenant_id = $1 AND channel = 'chatwoot' AND external_id = $2`, [
    tenantId,
    externalId,
  ]);
  await tx.query(
    `INSERT INTO chatwoot_conversations (tenant_id, integration_id, chatwoot_conversation_id, conversation_id, inbox_id, contact_id, status, owner, state_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [tenantId, integrationId, conv.id, c.rows[0]!.id, conv.inbox_id, conv.contact_inbox?.contact_id ?? null, conv.status, owner, conv.updated_at ?? 0],
  );
  return (await findMirror(tx, tenantId, integrationId, conv.id, true))!;
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
