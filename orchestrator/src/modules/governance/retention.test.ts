import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { buildTenant } from '../../../../test/factories';
import type { TenantRef } from '../../platform/http/context';
import { recordAudit, systemActor, verifyAuditChain } from '../audit';
import type { JobQueue } from '../../platform/queue';
import { purgeExpiredData } from './commands/purge-expired-data';
import { governanceModule } from './index';
import { RETENTION_SWEEP_EVERY_MS, retentionSweepJob, retentionTenantJob } from './jobs/retention.job';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

describe('retention', () => {
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
  });
  afterAll(async () => atrium.close());

  async function auditAt(tenant: TenantRef, when: Date, label: string) {
    vi.useFakeTimers({ toFake: ['Date'], now: when });
    try {
      await atrium.services.db.withTenant(tenant.id, (tx) =>
        recordAudit(tx, tenant.id, { action: 'config.published', actor: systemActor('test'), resource: { type: 'marker', id: label } }),
      );
    } finally {
      vi.useRealTimers();
    }
  }

  async function conversationAt(tenant: TenantRef, when: Date, title: string) {
    await atrium.services.db.withTenant(tenant.id, async (tx) => {
      const c = await tx.query<{ id: string }>(
        `INSERT INTO conversations (tenant_id, title, created_at, updated_at, last_message_at) VALUES ($1, $2, $3, $3, $3) RETURNING id`,
        [tenant.id, title, when],
      );
      await tx.query(
        `INSERT INTO messages (tenant_id, conversation_id, role, content, created_at) VALUES ($1, $2, 'user', 'hi', $3), ($1, $2, 'assistant', 'hello', $3)`,
        [tenant.id, c.rows[0]!.id, when],
      );
      await tx.query(`INSERT INTO webhook_deliveries (tenant_id, source, delivery_id, payload, received_at) VALUES ($1, 'chatwoot', $2, '{}', $3)`, [
        tenant.id,
        title,
        when,
      ]);
      await tx.query(`INSERT INTO activity (tenant_id, type, summary, created_at) VALUES ($1, 'chat.turn', $2, $3)`, [tenant.id, title, when]);
      await tx.query(
        `INSERT INTO tool_executions (tenant_id, tool_name, source, conversation_id, input, status, actor_type, actor_ref, created_at)
         VALUES ($1, $2, 'chat', $3, '{"order": "1234"}', 'succeeded', 'user', 'kc-x', $4)`,
        [tenant.id, title, c.rows[0]!.id, when],
      );
      // a settled approval and one still waiting for a decision, both last touched at `when`
      await tx.query(
        `INSERT INTO approvals (tenant_id, type, title, status, requested_by_type, requested_by, expires_at, created_at, updated_at)
         VALUES ($1, 'tool_call', $2, 'rejected', 'user', 'kc-x', $3, $3, $3), ($1, 'tool_call', $2, 'submitted', 'user', 'kc-x', $3, $3, $3)`,
        [tenant.id, title, when],
      );
    });
  }

  async function setRetention(tenant: TenantRef, dataRetentionDays: number, auditLogRetentionDays: number) {
    await atrium.services.db.withTenant(tenant.id, async (tx) => {
      await tx.query('UPDATE tenant_config_versions SET active = false WHERE active');
      await tx.query(
        `INSERT INTO tenant_config_versions (tenant_id, version, config, active, created_by)
         SELECT $1, coalesce(max(version), 0) + 1, $2, true, 'test' FROM tenant_config_versions`,
        [tenant.id, JSON.stringify({ retention: { dataRetentionDays, auditLogRetentionDays } })],
      );
    });
  }

  it('purges exactly what is past its date, anchors the audit chain and audits the purge', async () => {
    const tenant = await buildTenant(atrium.services);
    await setRetention(tenant, 90, 60);
    // tenant creation wrote seq 1 "now"; retention only ever removes a prefix, so build the old history in a fresh chain
    const fresh = await buildTenant(atrium.services);
    await setRetention(fresh, 90, 60);
    await atrium.database.asSuperuser(`SET session_replication_role = replica; DELETE FROM audit_log WHERE tenant_id = '${fresh.id}'`);
    await auditAt(fresh, daysAgo(120), 'old-1');
    await auditAt(fresh, daysAgo(61), 'old-2');
    await auditAt(fresh, daysAgo(59), 'young-1');
    await auditAt(fresh, daysAgo(1), 'young-2');
    await conversationAt(fresh, daysAgo(91), 'expired');
    await conversationAt(fresh, daysAgo(89), 'kept');

    // sent outbound webhooks go with the data; one still pending delivery stays until it is delivered or gives up
    await atrium.services.db.withTenant(fresh.id, async (tx) => {
      const e = await tx.query<{ id: string }>(
        `INSERT INTO webhook_endpoints (tenant_id, url, events, secret_sealed, created_by) VALUES ($1, 'https://hooks.example.com/x', '{tool.executed}', 'sealed', 'test') RETURNING id`,
        [fresh.id],
      );
      await tx.query(
        `INSERT INTO outbound_webhook_deliveries (tenant_id, endpoint_id, message_id, event_type, payload, status, created_at)
         VALUES ($1, $2, 'old-sent', 'tool.executed', '{}', 'delivered', $3), ($1, $2, 'old-pending', 'tool.executed', '{}', 'pending', $3),
                ($1, $2, 'young-sent', 'tool.executed', '{}', 'delivered', $4)`,
        [fresh.id, e.rows[0]!.id, daysAgo(91), daysAgo(89)],
      );
    });
    // a DSAR export archive is destroyed once it expires, whatever the data retention
    await atrium.services.db.withTenant(fresh.id, (tx) =>
      tx.query(
        `INSERT INTO dsar_requests (tenant_id, type, subject_digest, status, requested_by, archive, expires_at)
         VALUES ($1, 'export', 'archive-expired', 'completed', 'test', '{}', $2), ($1, 'export', 'archive-valid', 'completed', 'test', '{}', $3)`,
        [fresh.id, daysAgo(1), daysAgo(-1)],
      ),
    );

    const r = await purgeExpiredData(atrium.services, fresh.id);
    expect(r.counts).toEqual({
      conversations: 1,
      messages: 2,
      webhook_deliveries: 1,
      activity: 1,
      tool_executions: 1,
      approvals: 1,
      outbound_webhook_deliveries: 1,
      dsar_archives: 1,
      audit_rows: 2,
    });
    const outbox = await atrium.services.db.withTenant(fresh.id, (tx) =>
      tx.query<{ message_id: string }>('SELECT message_id FROM outbound_webhook_deliveries ORDER BY message_id'),
    );
    expect(outbox.rows.map((d) => d.message_id)).toEqual(['old-pending', 'young-sent']);
    const runs = await atrium.services.db.withTenant(fresh.id, (tx) => tx.query<{ tool_name: string }>('SELECT tool_name FROM tool_executions'));
    expect(runs.rows.map((t) => t.tool_name)).toEqual(['kept']);
    const approvals = await atrium.services.db.withTenant(fresh.id, (tx) =>
      tx.query<{ title: string; status: string }>('SELECT title, status FROM approvals ORDER BY title, status'),
    );
    // the expired conversation's pending approval stays: it is still waiting for someone
    expect(approvals.rows).toEqual([
      { title: 'expired', status: 'submitted' },
      { title: 'kept', status: 'rejected' },
      { title: 'kept', status: 'submitted' },
    ]);
    const activity = await atrium.services.db.withTenant(fresh.id, (tx) =>
      tx.query<{ summary: string }>(`SELECT summary FROM activity WHERE type = 'chat.turn' ORDER BY id`),
    );
    expect(activity.rows.map((a) => a.summary)).toEqual(['kept']);
    const archives = await atrium.services.db.withTenant(fresh.id, (tx) =>
      tx.query<{ subject_digest: string }>('SELECT subject_digest FROM dsar_requests WHERE archive IS NOT NULL'),
    );
    expect(archives.rows.map((a) => a.subject_digest)).toEqual(['archive-valid']);
    const titles = await atrium.services.db.withTenant(fresh.id, (tx) => tx.query<{ title: string }>('SELECT title FROM conversations'));
    expect(titles.rows.map((t) => t.title)).toEqual(['kept']);
    const deliveries = await atrium.services.db.withTenant(fresh.id, (tx) => tx.query<{ delivery_id: string }>('SELECT delivery_id FROM webhook_deliveries'));
    expect(deliveries.rows.map((d) => d.delivery_id)).toEqual(['kept']);
    const audit = await atrium.services.db.withTenant(fresh.id, (tx) =>
      tx.query<{ resource_id: string; action: string }>('SELECT resource_id, action FROM audit_log ORDER BY seq'),
    );
    expect(audit.rows.map((a) => a.resource_id ?? a.action)).toEqual(['young-1', 'young-2', fresh.id]);
    expect(audit.rows[2]!.action).toBe('retention.purged');
    const purgeEvent = await atrium.services.db.withTenant(fresh.id, (tx) =>
      tx.query<{ data: { counts: unknown } }>(`SELECT data FROM audit_log WHERE action = 'retention.purged'`),
    );
    expect(purgeEvent.rows[0]!.data.counts).toEqual(r.counts);
    expect(r.auditAnchor).toMatchObject({ seq: 2 });
    const chain = await verifyAuditChain(atrium.services.db, fresh.id);
    expect(chain).toMatchObject({ ok: true, checked: 3 });

    // Nothing is due in the other tenant: nothing happens there, not even an audit row.
    const untouched = await purgeExpiredData(atrium.services, tenant.id);
    expect(Object.values(untouched.counts).every((n) => n === 0)).toBe(true);
  });

  it('runs on a daily schedule that purges every tenant, suspended ones included, once per day', async () => {
    const scheduled: Array<{ name: string; everyMs: number }> = [];
    const enqueued: Array<{ name: string; payload: { tenantId?: string }; key?: string }> = [];
    const queue = {
      schedule: async (job: { name: string }, _payload: unknown, everyMs: number) => void scheduled.push({ name: job.name, everyMs }),
      enqueue: async (job: { name: string }, payload: { tenantId?: string }, options?: { idempotencyKey?: string }) => {
        enqueued.push({ name: job.name, payload, key: options?.idempotencyKey });
        return 'job';
      },
    } as unknown as JobQueue;
    const services = { ...atrium.services, queue };
    const ctx = { services, jobId: 'test', attempt: 1, log: atrium.services.log };
    await governanceModule.schedules!(services);
    expect(scheduled).toContainEqual({ name: retentionSweepJob.name, everyMs: RETENTION_SWEEP_EVERY_MS });

    const tenant = await buildTenant(atrium.services);
    await setRetention(tenant, 30, 30);
    await conversationAt(tenant, daysAgo(40), 'expired');
    await atrium.database.asSuperuser(`UPDATE tenants SET status = 'suspended' WHERE id = $1`, [tenant.id]);
    enqueued.length = 0;
    await retentionSweepJob.handler({}, ctx);
    const day = new Date().toISOString().slice(0, 10);
    expect(enqueued).toContainEqual({ name: retentionTenantJob.name, payload: { tenantId: tenant.id }, key: `retention:${tenant.id}:${day}` });
    await retentionTenantJob.handler({ tenantId: tenant.id }, ctx);
    const left = await atrium.services.db.withTenant(tenant.id, (tx) => tx.query('SELECT 1 FROM conversations'));
    expect(left.rowCount).toBe(0);
  });

  it('a second run finds nothing more to purge', async () => {
    const tenant = await buildTenant(atrium.services);
    await setRetention(tenant, 30, 30);
    await conversationAt(tenant, daysAgo(40), 'expired');
    expect((await purgeExpiredData(atrium.services, tenant.id)).counts.conversations).toBe(1);
    expect((await purgeExpiredData(atrium.services, tenant.id)).counts.conversations).toBe(0);
  });

  it('the application role cannot purge audit rows directly, nor another tenant through the purge function', async () => {
    const a = await buildTenant(atrium.services);
    const b = await buildTenant(atrium.services);
    await expect(atrium.services.db.withTenant(a.id, (tx) => tx.query('DELETE FROM audit_log'))).rejects.toThrow(/permission denied/);
    await expect(atrium.services.db.withTenant(a.id, (tx) => tx.query('SELECT * FROM atrium_purge_audit($1, $2)', [b.id, daysAgo(400)]))).rejects.toThrow(
      /tenant scope mismatch/,
    );
    await expect(atrium.services.db.withTenant(a.id, (tx) => tx.query('SELECT * FROM atrium_purge_audit($1, $2)', [a.id, daysAgo(5)]))).rejects.toThrow(
      /younger than 30 days/,
    );
  });
});
