import type { Queryable } from '../../platform/db';
import { MIRROR_COLUMNS, type MirrorRow } from './mirror-store';

/**
 * What a round of a bot turn works from, in one statement: the conversation's mirror row (claimed for the turn in the
 * same statement, or just read), the customer messages the bot has not dealt with yet (oldest first; a widget
 * submission is mirrored as minus the id of the interactive message it answers, submission.ts, so `abs` places it
 * right after that message) and the last `HISTORY` mirrored messages (customer, bot, agents) as the model's context,
 * oldest first. One statement instead of a claim and a read: throughput is bound by round trips.
 */
export interface Work {
  row: MirrorRow;
  messages: Array<{ id: number; content: string }>;
  history: Array<{ role: string; content: string }>;
  /** the reply slot for the newest waiting customer message, reserved while the bot owns the conversation */
  reservation?: Reservation;
}

/** A reply slot (`chatwoot_replies`): `attempts` > 1 means an earlier attempt may already have posted the reply. */
export interface Reservation {
  status: string;
  attempts: number;
}

export interface WorkScope {
  tenantId: string;
  integrationId: string;
  conversationId: number;
}

const HISTORY = 12;
const MIRROR_OUT = MIRROR_COLUMNS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');

/**
 * Both statements also reserve the reply slot for the newest waiting customer message (its order: `abs`, as above)
 * when the bot owns the conversation. The stored key is the one connectors/chatwoot/idempotency.ts derives (tested to
 * agree). `mirror` is a CTE yielding the mirror row; its params follow $1–$4 (tenant, integration, Chatwoot id, history).
 */
const workStatement = (mirror: string) =>
  `WITH mirror AS (${mirror}), inbound AS (
     SELECT cm.chatwoot_message_id AS id FROM chatwoot_messages cm, mirror
      WHERE cm.tenant_id = $1 AND cm.integration_id = $2 AND cm.chatwoot_conversation_id = $3 AND cm.author = 'customer' AND NOT cm.handled
        AND mirror.owner = 'bot' AND mirror.status = 'pending'
      ORDER BY abs(cm.chatwoot_message_id) DESC LIMIT 1
   ), reserved AS (
     INSERT INTO chatwoot_replies (tenant_id, integration_id, inbound_message_id, chatwoot_conversation_id, idempotency_key, attempts)
     SELECT $1, $2, id, $3,
            'atrium:reply:' || substr(translate(encode(sha256(convert_to($2::text || ':' || $3::text || ':' || id::text || ':reply', 'UTF8')), 'base64'), '+/', '-_'), 1, 22),
            1
       FROM inbound
     ON CONFLICT (tenant_id, integration_id, inbound_message_id) DO UPDATE SET attempts = chatwoot_replies.attempts + 1, updated_at = now()
     RETURNING status, attempts
   )
   SELECT ${MIRROR_OUT}, w.id, w.role, w.content, (SELECT row_to_json(reserved) FROM reserved) AS reservation FROM mirror m LEFT JOIN LATERAL (
     (SELECT cm.chatwoot_message_id AS id, NULL AS role, coalesce(cm.pending_content, msg.content, '') AS content, 0 AS part, abs(cm.chatwoot_message_id) AS ord
        FROM chatwoot_messages cm LEFT JOIN messages msg ON msg.tenant_id = cm.tenant_id AND msg.id = cm.message_id
       WHERE cm.tenant_id = $1 AND cm.integration_id = $2 AND cm.chatwoot_conversation_id = $3 AND cm.author = 'customer' AND NOT cm.handled)
     UNION ALL
     (SELECT NULL, role, content, 1, row_number() OVER (ORDER BY created_at) FROM
        (SELECT role, content, created_at FROM messages WHERE tenant_id = $1 AND conversation_id = m.conversation_id ORDER BY created_at DESC LIMIT $4) recent)
   ) w ON true
   ORDER BY w.part, w.ord`;

const READ = workStatement(
  `SELECT ${MIRROR_COLUMNS} FROM chatwoot_conversations WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3`,
);
const CLAIM = workStatement(
  `UPDATE chatwoot_conversations SET lease_token = $5, lease_until = now() + make_interval(secs => $6)
    WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_conversation_id = $3 AND (lease_until IS NULL OR lease_until < now())
    RETURNING ${MIRROR_COLUMNS}`,
);

type WorkRow = MirrorRow & { id: string | null; role: string | null; content: string | null; reservation: Reservation | null };

function collect(rows: WorkRow[]): Work | null {
  const first = rows[0];
  if (!first) return null;
  const { id: _id, role: _role, content: _content, reservation, ...row } = first;
  const work: Work = reservation ? { row, messages: [], history: [], reservation } : { row, messages: [], history: [] };
  for (const x of rows) {
    if (x.content === null) continue; // the LEFT JOIN's empty side: no message at all yet
    if (x.role === null) work.messages.push({ id: Number(x.id), content: x.content });
    else work.history.push({ role: x.role, content: x.content });
  }
  return work;
}

/** The work of a conversation; null when it has no mirror row. */
export async function readWork(tx: Queryable, s: WorkScope): Promise<Work | null> {
  return collect((await tx.query<WorkRow>(READ, [s.tenantId, s.integrationId, s.conversationId, HISTORY])).rows);
}

/** Claims the conversation's lease (`token` for `leaseSeconds`) and reads its work; null when another holder has it. */
export async function claimWork(tx: Queryable, s: WorkScope, token: string, leaseSeconds: number): Promise<Work | null> {
  return collect((await tx.query<WorkRow>(CLAIM, [s.tenantId, s.integrationId, s.conversationId, HISTORY, token, leaseSeconds])).rows);
}
