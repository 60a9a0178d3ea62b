import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, buildApiKey } from '../../../../test/factories';
import { startChatwootHarness, type ChatwootHarness } from '../../../../test/fakes/chatwoot/harness';
import type { Conversation } from '../../../../test/fakes/chatwoot';
import { startToolEndpoint } from '../../../../test/fakes/tools/endpoint';
import type { Principal, TenantContext } from '../../platform/http/context';
import type { JobQueue } from '../../platform/queue';
import { expireApprovals } from '../approvals';
import { sweepChatwoot } from '.';
import { approvalNoticeJob } from './jobs/approval-notice.job';
import { createToolProvider } from '../tools';

/**
 * Issue 7: the outcome of an approval goes back into the conversation, and to Chatwoot when the conversation came
 * from there. The scripted engine hands the wire request off (as the pipeline does for a tool waiting for approval);
 * the tool call itself goes through the real tool registry for that conversation.
 */
let h: ChatwootHarness;
let approver: string;
let toolEndpoint: Awaited<ReturnType<typeof startToolEndpoint>>;
const provider = createToolProvider();

beforeAll(async () => {
  h = await startChatwootHarness();
  approver = (await buildApiKey(h.atrium.services, h.tenant, { scopes: ['approver'] })).key;
  toolEndpoint = await startToolEndpoint('Transfer T-77 is on its way.');
  const created = await h.atrium.http
    .post('/v1/tools')
    .set(bearer(h.adminKey))
    .send({
      name: 'bank_transfer',
      description: 'Wire money from the customer account',
      input_schema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
      risk: 'high',
      binding: { kind: 'http', url: toolEndpoint.url },
    });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});
afterAll(async () => {
  await toolEndpoint?.close();
  await h?.close();
});

/** A Chatwoot conversation handed off for approval, and the approval request the tool call created for it. */
async function waitingForApproval(): Promise<{ conversation: Conversation; atriumConversationId: string; approvalId: string }> {
  const { conversation } = h.fake.customerWrites('Please wire 500 EUR to my landlord');
  await h.waitFor(() => conversation.status === 'open', 'the handoff');
  const mirror = await h.atrium.database.asSuperuser<{ id: string }>(`SELECT id FROM conversations WHERE tenant_id = $1 AND external_id = $2`, [
    h.tenant.id,
    `${h.integrationId}:${conversation.displayId}`,
  ]);
  const atriumConversationId = mirror.rows[0]!.id;
  const customer: Principal = { kind: 'api_key', subject: 'key:chatwoot-bot', tenants: [h.tenant.slug], roles: [], groups: [], scopes: ['agent'] };
  const ctx = { services: h.atrium.services, requestId: 'req-test', log: h.atrium.services.log, principal: customer, tenant: h.tenant } as TenantContext;
  const outcome = await provider.execute(
    { ctx, conversationId: atriumConversationId },
    { id: 'call_wire', name: 'bank_transfer', arguments: '{"amount":500}' },
  );
  expect(outcome.status).toBe('pending_approval');
  return { conversation, atriumConversationId, approvalId: /Request ([0-9a-f-]{36})/.exec(outcome.content)![1]! };
}

const storedNotices = async (conversationId: string, prefix: string) =>
  (
    await h.atrium.database.asSuperuser<{ id: string }>(`SELECT id FROM messages WHERE tenant_id = $1 AND conversation_id = $2 AND content LIKE $3`, [
      h.tenant.id,
      conversationId,
      `${prefix}%`,
    ])
  ).rows;

describe('approval outcomes in Chatwoot conversations', () => {
  it('on approval the tool runs and its result is posted to the Chatwoot conversation once, linked to the stored message', async () => {
    const { conversation, atriumConversationId, approvalId } = await waitingForApproval();
    const botRepliesBefore = h.botReplies(conversation).length;
    expect((await h.atrium.http.post(`/v1/approvals/${approvalId}/approve`).set(bearer(approver)).send({})).status).toBe(200);
    const notice = await h.waitFor(() => h.botReplies(conversation).find((m) => m.content?.startsWith('Good news')), 'the approval outcome in Chatwoot');
    expect(notice.content).toBe('Good news — your request (Bank transfer) was approved and has been carried out. Transfer T-77 is on its way.');
    await h.quiesce();
    expect(h.botReplies(conversation)).toHaveLength(botRepliesBefore + 1);
    // Chatwoot echoes the bot's message back; it is recognised, not stored a second time
    const stored = await storedNotices(atriumConversationId, 'Good news');
    expect(stored).toHaveLength(1);
    const link = await h.atrium.database.asSuperuser<{ message_id: string }>(
      `SELECT message_id FROM chatwoot_messages WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_message_id = $3`,
      [h.tenant.id, h.integrationId, notice.id],
    );
    expect(link.rows).toEqual([{ message_id: stored[0]!.id }]);
  });

  it('on rejection the Chatwoot customer is told politely, without the internal reason', async () => {
    const { conversation, atriumConversationId, approvalId } = await waitingForApproval();
    const rejected = await h.atrium.http.post(`/v1/approvals/${approvalId}/reject`).set(bearer(approver)).send({ reason: 'suspected fraud (internal)' });
    expect(rejected.status).toBe(200);
    const notice = await h.waitFor(() => h.botReplies(conversation).find((m) => m.content?.startsWith("I'm sorry")), 'the rejection notice in Chatwoot');
    expect(notice.content).toContain('reviewed your request (Bank transfer)');
    expect(notice.content).not.toContain('fraud');
    expect(await storedNotices(atriumConversationId, "I'm sorry")).toHaveLength(1);
  });

  it('a request nobody decided in time expires, and the Chatwoot customer is told nothing was changed', async () => {
    const { conversation, atriumConversationId, approvalId } = await waitingForApproval();
    await h.atrium.database.asSuperuser(`UPDATE approvals SET expires_at = now() - interval '1 second' WHERE id = $1`, [approvalId]);
    await expireApprovals(h.atrium.services); // (or the worker's own sweep, whichever comes first)
    const notice = await h.waitFor(() => h.botReplies(conversation).find((m) => m.content?.includes("couldn't be reviewed in time")), 'the expiry notice');
    expect(notice.content).toContain('(Bank transfer)');
    expect(await storedNotices(atriumConversationId, "I'm sorry — your request (Bank transfer) couldn't be reviewed")).toHaveLength(1);
  });

  it('a notice whose hand-over to the queue was lost is found by the sweep and posted once; a recovered job never posts twice', async () => {
    const { conversation, atriumConversationId, approvalId } = await waitingForApproval();
    const queue: JobQueue = h.atrium.services.queue;
    const enqueue = queue.enqueue.bind(queue);
    // the queue refuses the notice job (Redis down, or the process died right after the decision's commit)
    queue.enqueue = (async (def, payload, options) => {
      if (def.name === approvalNoticeJob.name) throw new Error('queue unavailable');
      return enqueue(def, payload, options);
    }) as JobQueue['enqueue'];
    try {
      expect((await h.atrium.http.post(`/v1/approvals/${approvalId}/reject`).set(bearer(approver)).send({})).status).toBe(200);
      await h.quiesce();
    } finally {
      queue.enqueue = enqueue;
    }
    const isNotice = (m: { content?: string | null }) => m.content?.includes('reviewed your request (Bank transfer)');
    expect(h.botReplies(conversation).filter(isNotice)).toHaveLength(0);
    const [stored] = await storedNotices(atriumConversationId, "I'm sorry — a member of our team reviewed");
    // a fresh notice is still its own job's (whose retries run for ~15 s): the default sweep leaves it alone
    expect((await sweepChatwoot(h.atrium.services)).notices).toBe(0);

    const sweeps = await Promise.all([sweepChatwoot(h.atrium.services, { olderThanSeconds: 0 }), sweepChatwoot(h.atrium.services, { olderThanSeconds: 0 })]);
    expect(sweeps.map((r) => r.notices)).toContain(1);
    const posted = await h.waitFor(() => h.botReplies(conversation).find(isNotice), 'the recovered notice in Chatwoot');
    await h.quiesce();
    expect(h.botReplies(conversation).filter(isNotice)).toHaveLength(1);
    const links = () =>
      h.atrium.database.asSuperuser<{ message_id: string }>(
        `SELECT message_id FROM chatwoot_messages WHERE tenant_id = $1 AND integration_id = $2 AND chatwoot_message_id = $3`,
        [h.tenant.id, h.integrationId, posted.id],
      );
    expect((await links()).rows).toEqual([{ message_id: stored!.id }]);
    expect((await sweepChatwoot(h.atrium.services, { olderThanSeconds: 0 })).notices).toBe(0);

    // the job posted, then died before recording it: run again, it finds its post in Chatwoot instead of posting anew
    await h.atrium.database.asSuperuser(`DELETE FROM chatwoot_messages WHERE tenant_id = $1 AND message_id = $2`, [h.tenant.id, stored!.id]);
    const log = h.atrium.services.log;
    const payload = { tenantId: h.tenant.id, conversationId: atriumConversationId, messageId: stored!.id, recovered: true };
    await approvalNoticeJob.handler(payload, { services: h.atrium.services, attempt: 1, log, jobId: 'recovered' });
    await h.quiesce();
    expect(h.botReplies(conversation).filter(isNotice)).toHaveLength(1);
    expect((await links()).rows).toEqual([{ message_id: stored!.id }]);
  });
});
