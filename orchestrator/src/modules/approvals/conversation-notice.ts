import type { Tx } from '../../platform/db';
import { findConversation, insertMessage } from '../conversations';

/**
 * Writes an assistant message into the conversation (what the customer is told about their request).
 * Returns null when the conversation no longer exists. Delivery to Chatwoot is the Chatwoot module's,
 * through onApprovalOutcome (the event carries this notice).
 */
export async function postAssistantNotice(
  tx: Tx,
  tenantId: string,
  conversationId: string,
  content: string,
): Promise<{ conversationId: string; messageId: string; content: string } | null> {
  if (!(await findConversation(tx, tenantId, conversationId))) return null;
  const message = await insertMessage(tx, tenantId, { conversationId, role: 'assistant', content });
  return { conversationId, messageId: message.id, content };
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
