import { randomUUID } from 'node:crypto';
import type { Tx } from '../../../platform/db';
import type { Principal } from '../../../platform/http/context';
import type { Services } from '../../../platform/services';
import { actorOf, recordAudit, type AuditActor } from '../../audit';
import { recordActivity } from '../../activity';
import { requestApproval } from '../../approvals';
import { activeTenantConfig } from '../../tenants';
import { emitWebhookEvent } from '../../webhooks';
import { validateToolInput } from '../input-schema';
import { runBinding, ToolRunError } from '../run-binding';
import { findToolById, findToolByName } from '../tool-store';
import { mayTrigger } from '../tool-rules';
import type { ToolRow } from '../tools.presenter';
import { humanize, modelMessages, resultForModel } from '../tool-messages';

export type ToolSource = 'chat' | 'test' | 'api' | 'approval';
export type ToolOutcomeStatus = 'succeeded' | 'failed' | 'timeout' | 'invalid_input' | 'denied' | 'rate_limited' | 'pending_approval' | 'not_found';

export interface ToolCall {
  services: Services;
  tenant: { id: string; slug: string };
  /** Who triggers the call; for an approved call, the original requester's principal is gone, so `approval` says who. */
  principal: Principal | null;
  source: ToolSource;
  toolName?: string;
  toolId?: string;
  input: unknown;
  conversationId?: string | null;
  callId?: string | null;
  requestId?: string;
  /** Set when running a call an approver already approved: no second approval, no role re-check. */
  approval?: { id: string; requestedBy: AuditActor };
  /** A test run by someone who configures tools (tools:manage): the per-tool roles/groups rule does not bind them. */
  configurer?: boolean;
  /** Pre-claimed execution id (approved calls claim it first, so a redelivered job cannot run twice). */
  executionId?: string;
}

export interface ToolOutcome {
  status: ToolOutcomeStatus;
  toolName: string;
  executionId: string | null;
  approvalId: string | null;
  output?: unknown;
  error: { code: string; message: string } | null;
  /**
   * What the model is told: the result, or an honest explanation it can relay. Not yet safety-scanned:
   * the chat turn scans every tool result (injection, PII, secrets) before the model reads it.
   */
  content: string;
  latencyMs: number | null;
}

interface ExecutionRecord {
  id?: string;
  tool: Pick<ToolRow, 'id' | 'name'>;
  status: Exclude<ToolOutcomeStatus, 'not_found'>;
  input: unknown;
  output?: unknown;
  error?: { code: string; message: string } | null;
  latencyMs?: number | null;
  approvalId?: string | null;
}

/**
 * One tool call, from whatever asked for it (the model, an admin's test, an approved request):
 * resolve → who may trigger it → validate input (ajv) → rate limit → approval gate → run the binding
 * (outside any transaction) → store the execution and audit it in one transaction → scan the output.
 * Never throws for a tool-level problem: the outcome says what happened, so a chat turn always completes.
 */
export async function invokeTool(call: ToolCall): Promise<ToolOutcome> {
  const { services, tenant } = call;
  const actor = call.approval?.requestedBy ?? actorOf(call.principal);
  type Gate = { done: ToolOutcome } | { done?: undefined; tool: ToolRow; input: Record<string, unknown> };
  const gate = await services.db.withTenant(tenant.id, async (tx): Promise<Gate> => {
    const tool = call.toolId ? await findToolById(tx, tenant.id, call.toolId) : await findToolByName(tx, tenant.id, call.toolName ?? '');
    const { config } = await activeTenantConfig(tx, tenant.id);
    if (!tool || !tool.enabled || !config.tools.enabled) return { done: notFound(call.toolName ?? call.toolId ?? '') };
    const record = (r: Omit<ExecutionRecord, 'tool' | 'input'>) => recordExecution(tx, call, actor, { tool, input: call.input, ...r });
    if (!call.approval && !(call.source === 'test' && call.configurer) && call.principal && !mayTrigger(tool, call.principal)) {
      const error = { code: 'FORBIDDEN', message: `not allowed for this user's roles and groups` };
      return { done: await record({ status: 'denied', error }) };
    }
    const valid = validateToolInput(`${tool.id}:${new Date(tool.updated_at).getTime()}`, tool.input_schema, call.input);
    if (!valid.ok) return { done: await record({ status: 'invalid_input', error: { code: 'VALIDATION', message: valid.problems.join('; ') } }) };
    if (!call.approval && tool.rate_limit_per_minute && (await recentCalls(tx, tenant.id, tool.id)) >= tool.rate_limit_per_minute) {
      return {
        done: await record({ status: 'rate_limited', error: { code: 'RATE_LIMITED', message: `more than ${tool.rate_limit_per_minute} calls per minute` } }),
      };
    }
    if (tool.needs_approval && !call.approval) {
      const approval = await requestApproval(tx, services, tenant.id, {
        type: 'tool_call',
        title: humanize(tool.name),
        details: `${tool.description}\n\nInput:\n${JSON.stringify(valid.value, null, 2)}`,
        risk: tool.risk,
        conversationId: call.conversationId,
        tool: { id: tool.id, name: tool.name, input: valid.value, callId: call.callId },
        requester: actor,
        ttlMinutes: config.tools.approval_ttl_minutes,
        requestId: call.requestId,
      });
      return { done: await record({ status: 'pending_approval', approvalId: approval.id }) };
    }
    return { tool, input: valid.value };
  });
  if (gate.done) return gate.done;

  const executionId = call.executionId ?? randomUUID();
  let output: unknown;
  let latencyMs: number;
  let failure: ToolRunError | null = null;
  const started = performance.now();
  try {
    ({ output, latencyMs } = await runBinding(services, gate.tool, {
      input: gate.input,
      context: {
        tenant: tenant.slug,
        execution_id: executionId,
        tool: gate.tool.name,
        conversation_id: call.conversationId ?? null,
        approval_id: call.approval?.id ?? null,
        requested_by: actor.ref,
      },
    }));
  } catch (e) {
    if (!(e instanceof ToolRunError)) throw e;
    failure = e;
    latencyMs = Math.round(performance.now() - started);
  }
  return services.db.withTenant(tenant.id, (tx) =>
    recordExecution(tx, call, actor, {
      id: executionId,
      tool: gate.tool,
      input: gate.input,
      output: failure ? undefined : output,
      latencyMs,
      approvalId: call.approval?.id,
      status: failure ? failure.status : 'succeeded',
      error: failure ? { code: failure.code, message: failure.message } : null,
    }),
  );
}

async function recentCalls(tx: Tx, tenantId: string, toolId: string): Promise<number> {
  const r = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tool_executions WHERE tenant_id = $1 AND tool_id = $2 AND created_at > now() - interval '1 minute'
       AND status IN ('succeeded', 'failed', 'timeout', 'pending_approval')`,
    [tenantId, toolId],
  );
  return r.rows[0]!.n;
}

function notFound(name: string): ToolOutcome {
  return {
    status: 'not_found',
    toolName: name,
    executionId: null,
    approvalId: null,
    error: { code: 'NOT_FOUND', message: 'no such tool' },
    content: modelMessages.notFound(name),
    latencyMs: null,
  };
}

/** Stores the execution, audits it and announces it, all in the caller's transaction; returns the outcome. */
async function recordExecution(tx: Tx, call: ToolCall, actor: AuditActor, rec: ExecutionRecord): Promise<ToolOutcome> {
  const { services, tenant } = call;
  const id = rec.id ?? randomUUID();
  await tx.query(
    `INSERT INTO tool_executions (tenant_id, id, tool_id, tool_name, source, conversation_id, approval_id, call_id, input, output, status, error_code, error_message, latency_ms, actor_type, actor_ref)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
    [
      tenant.id,
      id,
      rec.tool.id,
      rec.tool.name,
      call.source,
      call.conversationId ?? null,
      rec.approvalId ?? null,
      call.callId ?? null,
      JSON.stringify(rec.input ?? {}),
      rec.output === undefined ? null : JSON.stringify(rec.output),
      rec.status,
      rec.error?.code ?? null,
      rec.error?.message ?? null,
      rec.latencyMs ?? null,
      actor.type,
      actor.ref,
    ],
  );
  const action =
    rec.status === 'succeeded' ? 'tool.executed' : rec.status === 'denied' ? 'tool.denied' : rec.status === 'pending_approval' ? null : 'tool.failed';
  if (action) {
    await recordAudit(tx, tenant.id, {
      action,
      actor,
      resource: { type: 'tool', id: rec.tool.id },
      data: {
        tool: rec.tool.name,
        execution_id: id,
        status: rec.status,
        source: call.source,
        error_code: rec.error?.code ?? null,
        latency_ms: rec.latencyMs ?? null,
        approval_id: rec.approvalId ?? null,
        conversation_id: call.conversationId ?? null,
      },
      requestId: call.requestId,
    });
  }
  if (rec.status === 'succeeded' || rec.status === 'failed' || rec.status === 'timeout') {
    await emitWebhookEvent(tx, tenant.id, 'tool.executed', {
      execution_id: id,
      tool: rec.tool.name,
      tool_id: rec.tool.id,
      status: rec.status,
      source: call.source,
      conversation_id: call.conversationId ?? null,
      approval_id: rec.approvalId ?? null,
      latency_ms: rec.latencyMs ?? null,
      error_code: rec.error?.code ?? null,
    });
    await recordActivity(tx, services.bus, tenant.id, {
      type: rec.status === 'succeeded' ? 'tool.executed' : 'tool.failed',
      actor: actor.ref,
      resourceType: 'tool',
      resourceId: rec.tool.id,
      summary: `Tool "${rec.tool.name}" ${rec.status === 'succeeded' ? `ran in ${rec.latencyMs} ms` : `failed (${rec.error?.code})`}`,
    });
  }
  return {
    status: rec.status,
    toolName: rec.tool.name,
    executionId: id,
    approvalId: rec.approvalId ?? null,
    output: rec.output,
    error: rec.error ?? null,
    content:
      rec.status === 'succeeded' ? resultForModel(rec.output) : modelMessages.forStatus(rec.tool.name, rec.status, rec.error ?? null, rec.approvalId ?? null),
    latencyMs: rec.latencyMs ?? null,
  };
}
