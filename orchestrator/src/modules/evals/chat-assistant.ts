import { randomUUID } from 'node:crypto';
import type { TenantContext } from '../../platform/http/context';
import { runTurn } from '../chat';
import type { AskAssistant, AssistantReply } from './assistant-port';

/**
 * tool_executions.status → what the judge needs to know: did the binding run (ok / error), or was the call stopped
 * before it (denied: not allowed, invalid input or rate limited; pending_approval: waiting for a human).
 */
const TOOL_STATUS: Record<string, AssistantReply['toolCalls'][number]['status']> = {
  succeeded: 'ok',
  failed: 'error',
  timeout: 'error',
  pending_approval: 'pending_approval',
  denied: 'denied',
  invalid_input: 'denied',
  rate_limited: 'denied',
};

/**
 * The production engine behind evals: one real chat turn (safety in → retrieval → model or extractive answerer →
 * safety out → persist) on the `eval` channel, so runs are separable from customer traffic in usage reports.
 * Tool executions are read back from tool_executions, the evidence of record, rather than from the stream.
 */
export const chatAssistant: AskAssistant = async (services, probe) => {
  const requestId = `eval-${randomUUID()}`;
  const ctx: TenantContext = { services, principal: probe.principal, tenant: probe.tenant, requestId, log: services.log.child({ requestId }) };
  const result = await runTurn({ ctx, messages: probe.messages, channel: 'eval', title: 'Evaluation probe' });
  const tools = await services.db.withTenant(probe.tenant.id, (tx) =>
    tx.query<{ tool_name: string; status: string }>(
      `SELECT tool_name, status FROM tool_executions WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY created_at`,
      [probe.tenant.id, result.conversationId],
    ),
  );
  return {
    text: result.text,
    citations: result.citations.map((c) => ({ document_id: c.document_id, title: c.title, url: c.url, snippet: c.snippet })),
    blocked: result.finishReason === 'blocked' || result.finishReason === 'content_filter',
    escalated: result.escalated,
    noAnswer: result.noAnswer,
    safety: result.safety.map((f) => ({ kind: f.kind, action: f.action, direction: f.direction, label: f.label })),
    toolCalls: tools.rows.map((t) => ({ name: t.tool_name, status: TOOL_STATUS[t.status] ?? 'error' })),
    model: result.model,
    latencyMs: result.latencyMs,
  };
};
