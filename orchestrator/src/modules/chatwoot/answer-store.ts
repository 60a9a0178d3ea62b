import { randomUUID } from 'node:crypto';
import { withParts, type Tx } from '../../platform/db';
import type { EventBus } from '../../platform/bus';
import { activityPart, announceActivity, type ActivityRow } from '../activity';
import type { Lease } from './conversation-lease';
import type { PersistedTurn } from './turn-engine';

/**
 * Settles a bot answer that Chatwoot has stored, in one statement (there were eight): the reply slot marked posted,
 * the customer messages it answers stored (unless the chat pipeline stored them) and marked handled, the answer
 * mirrored (and stored, unless the pipeline did), the conversation's clock, the activity entry, and — when nothing
 * else is waiting — the lease released. Run it in a transaction opened with `mirrorLockedFirst` (the lock order).
 * A statement does not see its own changes, hence one UPDATE per row set and the lease's `handling` exception.
 */
export interface AnsweredBatch {
  tenantId: string;
  integrationId: string;
  chatwootConversationId: number;
  /** Atrium's `conversations.id` */
  conversationId: string;
  /** the newest customer message answered: the reply slot's key */
  inboundId: number;
  /** the customer messages answered */
  customerMessageIds: number[];
  /** the answer as Chatwoot stored it */
  postedId: number;
  text: string;
  citations: unknown[];
  /** the messages the chat pipeline stored for this turn; absent (or no answer id) when the bridge is to store them */
  persisted?: PersistedTurn;
  activity: { summary: string; data: Record<string, unknown> };
}

export async function settleAnswer(tx: Tx, bus: EventBus, a: AnsweredBatch, lease: Lease): Promise<boolean> {
  const storedAnswer = a.persisted?.assistantMessageId ?? null;
  const own = [
    a.tenantId,
    a.integrationId,
    a.conversationId,
    a.inboundId,
    a.postedId,
    a.customerMessageIds,
    a.persisted?.userMessageId ?? null,
    a.chatwootConversationId,
    storedAnswer ?? randomUUID(),
    storedAnswer === null,
    a.text,
    JSON.stringify(a.citations),
  ];
  const parts = withParts(
    [
      activityPart(a.tenantId, { type: 'chatwoot.bot_replied', actor: 'bot', resourceType: 'conversation', resourceId: a.conversationId, ...a.activity }),
      lease.idleReleasePart(a.customerMessageIds),
    ],
    own.length + 1,
  );
  const r = await tx.query<{ released: boolean; activity: ActivityRow }>(
    `WITH reply AS (
       UPDATE chatwoot_replies SET status = 'posted', chatwoot_message_id = $5, updated_at = now()
        WHERE tenant_id = $1 AND integration_id = $2 AND inbound_message_id = $4
     ), deferred AS (
       SELECT chatwoot_message_id AS id, pending_content FROM chatwoot_messages
        WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_message_id = ANY($6::bigint[]) AND message_id IS NULL
          AND pending_content IS NOT NULL AND $7::uuid IS NULL
     ), asked AS (
       INSERT INTO messages (tenant_id, conversation_id, role, content, citations, external_id)
       SELECT $1, $3, 'user', pending_content, '[]', 'chatwoot:' || id FROM deferred ORDER BY abs(id)
       RETURNING id, external_id
     ), handled AS (
       UPDATE chatwoot_messages cm SET handled = true, pending_content = NULL, message_id = coalesce($7::uuid, asked.id, cm.message_id)
         FROM unnest($6::bigint[]) AS ids (cid) LEFT JOIN asked ON asked.external_id = 'chatwoot:' || ids.cid
        WHERE cm.tenant_id = $1 AND cm.integration_id = $2 AND cm.chatwoot_message_id = ids.cid
     ), seen AS (
       INSERT INTO chatwoot_messages (tenant_id, integration_id, chatwoot_message_id, chatwoot_conversation_id, author, message_id)
       VALUES ($1, $2, $5, $8, 'bot', $9) ON CONFLICT DO NOTHING RETURNING message_id
     ), answer AS (
       INSERT INTO messages (tenant_id, id, conversation_id, role, content, citations, external_id)
       SELECT $1, $9, $3, 'assistant', $11, $12::jsonb, 'chatwoot:' || $5::bigint FROM seen WHERE $10::boolean
       RETURNING id
     ), clock AS (
       UPDATE conversations SET last_message_at = now(), updated_at = now()
        WHERE tenant_id = $1 AND id = $3 AND (EXISTS (SELECT 1 FROM asked) OR EXISTS (SELECT 1 FROM answer))
     )${parts.sql}
     SELECT EXISTS (SELECT 1 FROM part1) AS released, (SELECT row_to_json(part0) FROM part0) AS activity`,
    [...own, ...parts.params],
  );
  const { released, activity } = r.rows[0]!;
  announceActivity(tx, bus, a.tenantId, activity);
  lease.settleIdle(released);
  return released;
}
