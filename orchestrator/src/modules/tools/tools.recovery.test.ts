import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { startToolEndpoint } from '../../../../test/fakes/tools/endpoint';
import type { Principal, TenantContext, TenantRef } from '../../platform/http/context';
import type { JobQueue } from '../../platform/queue';
import { executeApprovedCallJob } from './jobs/execute-approved-call.job';
import { findApproval } from '../approvals';
import { createToolProvider, invokeTool, recoverApprovedCalls } from '.';

/**
 * An approved tool call must end executed | failed even when the job that runs it is lost between the approver's
 * commit and the enqueue (a crash, Redis down), and it must never run twice however often it is recovered.
 */
describe('approved tool calls survive a lost enqueue', () => {
  let atrium: TestAtrium;
  let tenant: TenantRef;
  let admin: string;
  let approver: string;
  let endpoint: Awaited<ReturnType<typeof startToolEndpoint>>;

  beforeAll(async () => {
    atrium = await createTestAtrium();
    tenant = await buildTenant(atrium.services);
    admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
    approver = (await buildApiKey(atrium.services, tenant, { scopes: ['approver'] })).key;
    endpoint = await startToolEndpoint('Refund R-9 issued.');
  });
  afterAll(async () => {
    await endpoint.close();
    await atrium.close();
  });

  /** The queue refuses the execution job (as Redis would when down); every other job goes through. */
  function dropExecutionJobs(queue: JobQueue): () => void {
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (async (def, payload, options) => {
      if (def.name === executeApprovedCallJob.name) throw new Error('queue unavailable');
      return enqueue(def, payload, options);
    }) as JobQueue['enqueue'];
    return () => void (queue.enqueue = enqueue);
  }

  let registered = false;
  /** A high-risk call, approved, whose execution job the queue refused. */
  async function approvedButLost(orderId: string): Promise<string> {
    if (!registered) {
      const tool = await atrium.http
        .post('/v1/tools')
        .set(bearer(admin))
        .send({
          name: 'refund_order',
          description: 'Refund an order',
          input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
          risk: 'high',
          binding: { kind: 'http', url: endpoint.url },
        });
      expect(tool.status, JSON.stringify(tool.body)).toBe(201);
      registered = true;
    }
    const conversation = await atrium.database.asSuperuser(`INSERT INTO conversations (tenant_id, channel, title) VALUES ($1, 'api', 'refund') RETURNING id`, [
      tenant.id,
    ]);
    const conversationId = conversation.rows[0]!.id as string;
    const customer: Principal = { kind: 'api_key', subject: 'key:widget', tenants: [tenant.slug], roles: [], groups: [], scopes: ['agent'] };
    const ctx = { services: atrium.services, requestId: 'req-test', log: atrium.services.log, principal: customer, tenant } as TenantContext;
    const pending = await createToolProvider().execute(
      { ctx, conversationId },
      { id: orderId, name: 'refund_order', arguments: JSON.stringify({ order_id: orderId }) },
    );
    expect(pending.status).toBe('pending_approval');
    const approvalId = /Request ([0-9a-f-]{36})/.exec(pending.content)![1]!;

    const restore = dropExecutionJobs(atrium.services.queue);
    try {
      expect((await atrium.http.post(`/v1/approvals/${approvalId}/approve`).set(bearer(approver)).send({})).body.status).toBe('approved');
      await new Promise((r) => setTimeout(r, 300));
      // a decision seconds old is still the normal path's to run: the sweep leaves it alone
      expect(await recoverApprovedCalls(atrium.services)).toBe(0);
    } finally {
      restore();
    }
    return approvalId;
  }

  it('a call whose execution job was never enqueued is found by the sweep and runs exactly once', async () => {
    const approvalId = await approvedButLost('A1');
    const view = async () => (await atrium.http.get(`/v1/approvals/${approvalId}`).set(bearer(approver))).body;
    expect((await view()).status).toBe('approved');
    expect(endpoint.calls).toHaveLength(0);

    // the sweep alone brings it to its end
    expect(await recoverApprovedCalls(atrium.services, { olderThanSeconds: 0 })).toBe(1);
    await expect.poll(async () => (await view()).status, { timeout: 10_000 }).toBe('executed');
    expect(endpoint.calls).toHaveLength(1);
    // more copies (a sweep racing the original job, a redelivery) find the call claimed and run nothing
    await executeApprovedCallJob.handler(
      { tenantId: tenant.id, approvalId },
      { services: atrium.services, attempt: 1, log: atrium.services.log, jobId: 'copy' },
    );
    expect(await recoverApprovedCalls(atrium.services, { olderThanSeconds: 0 })).toBe(0);
    expect(endpoint.calls).toHaveLength(1);
    expect((await view()).result).toMatchObject({ ok: true });
    const executions = await atrium.database.asSuperuser(
      `SELECT status FROM tool_executions WHERE tenant_id = $1 AND approval_id = $2 AND source = 'approval'`,
      [tenant.id, approvalId],
    );
    expect(executions.rows).toEqual([{ status: 'succeeded' }]);
    const trail = await atrium.database.asSuperuser(
      `SELECT action FROM audit_log WHERE tenant_id = $1 AND (resource_id = $2 OR data->>'approval_id' = $2) ORDER BY seq`,
      [tenant.id, approvalId],
    );
    expect(trail.rows.map((r) => r.action)).toEqual(['approval.requested', 'approval.approved', 'tool.executed', 'approval.executed']);
  });

  it('copies of the execution job running at once run the tool once', async () => {
    const approvalId = await approvedButLost('A2');
    const before = endpoint.calls.length;
    const run = (jobId: string) =>
      executeApprovedCallJob.handler({ tenantId: tenant.id, approvalId }, { services: atrium.services, attempt: 1, log: atrium.services.log, jobId });
    await Promise.all([run('a'), run('b'), run('c')]);
    expect(endpoint.calls.length).toBe(before + 1);
    expect((await atrium.http.get(`/v1/approvals/${approvalId}`).set(bearer(approver))).body.status).toBe('executed');
  });

  it('a job that died after the run was stored is completed from that record, without running the tool again', async () => {
    const approvalId = await approvedButLost('A3');
    // what the job does before it dies: claim the request, run the tool (stored as an execution), then nothing
    const executionId = randomUUID();
    await atrium.database.asSuperuser(`UPDATE approvals SET execution_id = $2, updated_at = now() - interval '1 minute' WHERE id = $1`, [
      approvalId,
      executionId,
    ]);
    const approval = await atrium.services.db.withTenant(tenant.id, (tx) => findApproval(tx, tenant.id, approvalId));
    const ran = await invokeTool({
      services: atrium.services,
      tenant,
      principal: null,
      source: 'approval',
      toolId: approval.tool_id!,
      input: approval.tool_input,
      conversationId: approval.conversation_id,
      executionId,
      approval: { id: approvalId, requestedBy: { type: 'api_key', ref: 'key:widget' } },
    });
    expect(ran.status).toBe('succeeded');
    const before = endpoint.calls.length;
    expect(await recoverApprovedCalls(atrium.services)).toBe(1);
    const view = async () => (await atrium.http.get(`/v1/approvals/${approvalId}`).set(bearer(approver))).body;
    await expect.poll(async () => (await view()).status, { timeout: 10_000 }).toBe('executed');
    expect(endpoint.calls.length).toBe(before);
    expect(await view()).toMatchObject({ result: { ok: true, message: 'Refund R-9 issued.' } });
    const notice = await atrium.database.asSuperuser(`SELECT content FROM messages WHERE conversation_id = $1`, [approval.conversation_id]);
    expect(notice.rows.map((m) => m.content)).toEqual([
      expect.stringMatching(/^Good news — your request \(Refund order\) was approved and has been carried out\. Refund R-9 issued\./),
    ]);
  });

  it('a claimed call with no stored run is left alone: the tool may have been reached, so it is never run again', async () => {
    const approvalId = await approvedButLost('A4');
    await atrium.database.asSuperuser(`UPDATE approvals SET execution_id = gen_random_uuid(), updated_at = now() - interval '1 minute' WHERE id = $1`, [
      approvalId,
    ]);
    const before = endpoint.calls.length;
    expect(await recoverApprovedCalls(atrium.services, { olderThanSeconds: 0 })).toBe(0);
    await executeApprovedCallJob.handler({ tenantId: tenant.id, approvalId }, { services: atrium.services, attempt: 1, log: atrium.services.log, jobId: 'x' });
    expect(endpoint.calls.length).toBe(before);
    expect((await atrium.http.get(`/v1/approvals/${approvalId}`).set(bearer(approver))).body.status).toBe('approved');
  });
});
