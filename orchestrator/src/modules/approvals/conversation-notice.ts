import type { Queryable, Tx } from '../../platform/db';
import { findConversation, insertMessage } from '../conversations';

/**
 * Writes an assistant message into the conversation (what the customer is told about their request).
 * Returns null when the conversation no longer exists. Delivery to Chatwoot is the Chatwoot module's,
 * through onApprovalOutcome (the event carries this notice). The message is marked with its approval
 * (`external_id`), so it is also the durable record a sweep uses to find notices whose delivery was lost.
 */
export async function postAssistantNotice(
  tx: Tx,
  tenantId: string,
  approval: { id: string; conversationId: string },
  content: string,
): Promise<{ conversationId: string; messageId: string; content: string } | null> {
  const { conversationId } = approval;
  if (!(await findConversation(tx, tenantId, conversationId))) return null;
  const message = await insertMessage(tx, tenantId, { conversationId, role: 'assistant', content, externalId: noticeMarker(approval.id) });
  return { conversationId, messageId: message.id, content };
}

const NOTICE_MARKER = 'approval-notice:';
const noticeMarker = (approvalId: string) => `${NOTICE_MARKER}${approvalId}`;

/**
 * Customer notices of approvals settled in a time window (older than `olderThanSeconds`, younger than
 * `withinSeconds`): what a channel that forwards notices (Chatwoot) checks against what it delivered.
 */
export async function recentApprovalNotices(
  tx: Queryable,
  tenantId: string,
  window: { olderThanSeconds: number; withinSeconds: number },
): Promise<{ conversationId: string; messageId: string }[]> {
  const r = await tx.query<{ conversation_id: string; message_id: string }>(
    `SELECT a.conversation_id, m.id AS message_id
       FROM approvals a
       JOIN messages m ON m.tenant_id = a.tenant_id AND m.conversation_id = a.conversation_id AND m.external_id = $4 || a.id::text
      WHERE a.tenant_id = $1 AND a.status IN ('rejected', 'expired', 'executed', 'failed') AND a.conversation_id IS NOT NULL
        AND a.updated_at > now() - make_interval(secs => $3)
        AND m.role = 'assistant' AND m.created_at > now() - make_interval(secs => $3) AND m.created_at < now() - make_interval(secs => $2)
      ORDER BY m.created_at LIMIT 500`,
    [tenantId, window.olderThanSeconds, window.withinSeconds, NOTICE_MARKER],
  );
  return r.rows.map((row) => ({ conversationId: row.conversation_id, messageId: row.message_id }));
}

/** Polite, specific, and free of the approver's internal reason (which may not be meant for the customer). */
export const customerNotices = {
  rejected: (title: string) =>
    `I'm sorry — a member of our team reviewed your request (${title}) and wasn't able to approve it this time. If you'd like, I can connect you with someone to talk through other options.`,
  expired: (title: string) =>
    `I'm sorry — your request (${title}) couldn't be reviewed in time, so nothing was changed. Just let me know if you'd like me to submit it again.`,
  failed: (title: string) =>
    `Your request (${title}) was approved, but something went wrong while carrying it out, so nothing was completed. A member of our team has been notified and will follow up.`,
};
