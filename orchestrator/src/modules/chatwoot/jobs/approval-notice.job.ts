import { isChatwootError } from '@atrium/connectors/chatwoot';
import { z } from 'zod';
import type { Queryable } from '../../../platform/db';
import { defineJob } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { onApprovalOutcome, recentApprovalNotices } from '../../approvals';
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
const payload = z.object({
  tenantId: z.uuid(),
  conversationId: z.uuid(),
  messageId: z.uuid(),
  /** Enqueued by the sweep: an earlier job may have posted it and died before recording that, so look first. */
  recovered: z.boolean().optional(),
});

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

/**
 * The job's whole read in one statement: the conversation's mirror, whether a Chatwoot message is linked to the
 * notice already (posted before), and the notice's text (null: not stored).
 */
async function noticeState(services: Services, tenantId: string, conversationId: string, messageId: string) {
  const r = await services.db.withTenant(
    tenantId,
    (tx) =>
      tx.query<MirrorWithIntegration & { posted: boolean; content: string | null }>(
        `SELECT cc.integration_id, ${MIRROR_COLUMNS},
                EXISTS (SELECT 1 FROM chatwoot_messages cm WHERE cm.tenant_id = $1 AND cm.integration_id = cc.integration_id
                          AND cm.chatwoot_conversation_id = cc.chatwoot_conversation_id AND cm.message_id = $3) AS posted,
                (SELECT m.content FROM messages m WHERE m.tenant_id = $1 AND m.conversation_id = $2 AND m.id = $3) AS content
           FROM chatwoot_conversations cc WHERE cc.tenant_id = $1 AND cc.conversation_id = $2`,
        [tenantId, conversationId, messageId],
      ),
    { readOnly: true },
  );
  return r.rows[0] ?? null;
}

export const approvalNoticeJob = defineJob({
  name: 'chatwoot.approval-notice',
  payload,
  attempts: 5,
  backoffMs: 1000,
  handler: async ({ tenantId, conversationId, messageId, recovered }, { services, attempt, log }) => {
    const mirror = await noticeState(services, tenantId, conversationId, messageId);
    if (!mirror || mirror.posted) return;
    const integration = await loadIntegration(services, tenantId, mirror.integration_id);
    if (integration.status !== 'active') return void log.warn({ integration: integration.id }, 'approval notice not sent: integration disabled');
    const { content } = mirror;
    if (content === null) return;
    const chatwootId = Number(mirror.chatwoot_conversation_id);
    let posted;
    try {
      // The key is the Atrium message's id: a retried job finds its earlier post instead of posting twice.
      posted = await postOnce(
        botClient(services, integration),
        chatwootId,
        { content, idempotencyKey: `atrium:notice:${messageId}` },
        attempt > 1 || recovered === true,
      );
    } catch (error) {
      if (isChatwootError(error) && error.retryable) throw error;
      return void log.warn({ err: error, chatwootConversationId: chatwootId }, 'approval notice undeliverable to Chatwoot');
    }
    await services.db.withTenant(tenantId, async (tx) => {
      // links the Chatwoot message to the Atrium message already stored (no second copy in `messages`)
      const mirrored = await mirrorMessage(tx, tenantId, integration.id, mirror, { id: posted.id, author: 'bot', content, messageId });
      // Chatwoot's echo of the post may have been mirrored first: link it, so the sweep knows the notice was posted
      if (!mirrored) await linkPosted(tx, tenantId, integration.id, posted.id, messageId);
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

/** One job per notice, ever: the sweep reuses the key, so it can only add a job the queue never got. */
const enqueueNotice = (services: Services, tenantId: string, notice: { conversationId: string; messageId: string }, recovered = false) =>
  services.queue.enqueue(
    approvalNoticeJob,
    { tenantId, conversationId: notice.conversationId, messageId: notice.messageId, recovered },
    { idempotencyKey: `chatwoot-approval-notice:${notice.messageId}` },
  );

/** Every approval outcome that told a customer something is forwarded, if the conversation is a Chatwoot one. */
export function forwardApprovalNotices(services: Services): void {
  onApprovalOutcome(services, async ({ tenantId, notice }) => {
    if (!notice || !(await mirrorOf(services, tenantId, notice.conversationId))) return;
    await enqueueNotice(services, tenantId, notice);
  });
}

/** Past this, an unposted notice is stale news; the job's own retries (5, over ~15 s) are long over before it. */
const NOTICE_WINDOW_SECONDS = 30 * 60;

/**
 * The notices written into Chatwoot conversations in the window that have no Chatwoot message linked to them: their
 * hand-over to the queue was lost (a crash after the decision's commit, Redis down). Read in the sweep's own
 * transaction; `recoverNotice` enqueues each after it commits.
 */
export async function unpostedNotices(
  tx: Queryable,
  tenantId: string,
  olderThanSeconds: number,
): Promise<Array<{ conversationId: string; messageId: string }>> {
  const notices = await recentApprovalNotices(tx, tenantId, { olderThanSeconds, withinSeconds: NOTICE_WINDOW_SECONDS });
  if (!notices.length) return [];
  const r = await tx.query<{ conversationId: string; messageId: string }>(
    `SELECT n.conversation_id AS "conversationId", n.message_id AS "messageId" FROM unnest($2::uuid[], $3::uuid[]) AS n(conversation_id, message_id)
       JOIN chatwoot_conversations cc ON cc.tenant_id = $1 AND cc.conversation_id = n.conversation_id
      WHERE NOT EXISTS (SELECT 1 FROM chatwoot_messages cm
                         WHERE cm.tenant_id = $1 AND cm.integration_id = cc.integration_id
                           AND cm.chatwoot_conversation_id = cc.chatwoot_conversation_id AND cm.message_id = n.message_id)`,
    [tenantId, notices.map((n) => n.conversationId), notices.map((n) => n.messageId)],
  );
  return r.rows;
}

export const recoverNotice = (services: Services, tenantId: string, notice: { conversationId: string; messageId: string }) =>
  enqueueNotice(services, tenantId, notice, true);

const linkPosted = (tx: Queryable, tenantId: string, integrationId: string, chatwootMessageId: number, messageId: string) =>
  tx.query(`UPDATE chatwoot_messages SET message_id = $4 WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_message_id = $3 AND message_id IS NULL`, [
    tenantId,
    integrationId,
    chatwootMessageId,
    messageId,
  ]);
