import { isChatwootError } from '@atrium/connectors/chatwoot';
import { z } from 'zod';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { onApprovalOutcome } from '../../approvals';
import { recordActivity } from '../../activity';
import { postOnce } from '../commands/hand-off';
import { botClient, loadIntegration } from '../integration-store';
import { MIRROR_COLUMNS, mirrorMessage, type MirrorRow } from '../mirror-store';

/**
 * What the customer is told about an approval (approved and carried out, rejected, expired, failed) is written into
 * the Atrium conversation by the approvals module. For a conversation that came from Chatwoot, this job posts that
 * same message there as the bot, since the customer reads Chatwoot, not Atrium. It is posted even when humans own the
 * conversation by now: it answers the customer's own request, and the agents see it in the thread.
 */
const payload = z.object({ tenantId: z.uuid(), conversationId: z.uuid(), messageId: z.uuid() });

type MirrorWithIntegration = MirrorRow & { integration_id: string };

async function mirrorOf(services: Services, tenantId: string, conversationId: string): Promise<MirrorWithIntegration | null> {
  const r = await services.db.withTenant(
    tenantId,
    (tx) =>
      tx.query<MirrorWithIntegration>(`SELECT integration_id, ${MIRROR_COLUMNS} FROM chatwoot_conversations WHERE tenant_id = $1 AND conversation_id = $2`, [
        tenantId,
        conversationId,
      ]),
    { readOnly: true },
  );
  return r.rows[0] ?? null;
}

export const approvalNoticeJob = defineJob({
  name: 'chatwoot.approval-notice',
  payload,
  attempts: 5,
  backoffMs: 1000,
  handler: async ({ tenantId, conversationId, messageId }, { services, attempt, log }) => {
    const mirror = await mirrorOf(services, tenantId, conversationId);
    if (!mirror) return;
    const integration = await loadIntegration(services, tenantId, mirror.integration_id);
    if (integration.status !== 'active') return void log.warn({ integration: integration.id }, 'approval notice not sent: integration disabled');
    const message = await services.db.withTenant(tenantId, async (tx) => {
      const r = await tx.query<{ content: string }>('SELECT content FROM messages WHERE tenant_id = $1 AND conversation_id = $2 AND id = $3', [
        tenantId,
        conversationId,
        messageId,
      ]);
      return r.rows[0];
    });
    if (!message) return;
    const chatwootId = Number(mirror.chatwoot_conversation_id);
    let posted;
    try {
      // The key is the Atrium message's id: a retried job finds its earlier post instead of posting twice.
      posted = await postOnce(
        botClient(services, integration),
        chatwootId,
        { content: message.content, idempotencyKey: `atrium:notice:${messageId}` },
        attempt > 1,
      );
    } catch (error) {
      if (isChatwootError(error) && error.retryable) throw error;
      return void log.warn({ err: error, chatwootConversationId: chatwootId }, 'approval notice undeliverable to Chatwoot');
    }
    await services.db.withTenant(tenantId, async (tx) => {
      // links the Chatwoot message to the Atrium message already stored (no second copy in `messages`)
      await mirrorMessage(tx, tenantId, integration.id, mirror, { id: posted.id, author: 'bot', content: message.content, messageId });
      await recordActivity(tx, services.bus, tenantId, {
        type: 'chatwoot.approval_notice_posted',
        actor: 'bot',
        resourceType: 'conversation',
        resourceId: conversationId,
        summary: `The outcome of an approval was posted in Chatwoot conversation ${chatwootId}`,
      });
    });
  },
});

/** Every approval outcome that told a customer something is forwarded, if the conversation is a Chatwoot one. */
export function forwardApprovalNotices(services: Services): void {
  onApprovalOutcome(services, async ({ tenantId, notice }) => {
    if (!notice || !(await mirrorOf(services, tenantId, notice.conversationId))) return;
    await services.queue.enqueue(
      approvalNoticeJob,
      { tenantId, conversationId: notice.conversationId, messageId: notice.messageId },
      { idempotencyKey: `chatwoot-approval-notice:${notice.messageId}` },
    );
  });
}
