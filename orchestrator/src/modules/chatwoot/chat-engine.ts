import { randomUUID } from 'node:crypto';
import { AppError } from '../../platform/errors';
import type { Principal, TenantContext, TenantRef } from '../../platform/http/context';
import type { Services } from '../../platform/services';
import { runTurn, type TurnResult } from '../chat';
import { findTenant } from '../tenants';
import type { HandoffReason } from './chatwoot.schema';
import type { TurnEngine, TurnInput, TurnOutcome } from './turn-engine';

/**
 * The default engine: the chat module's `runTurn` (safety in → memory → retrieval → model → safety out → persist
 * → audit), called on the mirrored Atrium conversation with channel "chatwoot". The turn stores the question
 * and the answer itself, so the bridge only links Chatwoot's message ids to them.
 *
 * The bot acts as its integration: a service principal scoped to the tenant that may read and manage the
 * tenant's conversations, with the Chatwoot contact as "end user" so memory stays per customer.
 */
function principalFor(tenant: TenantRef, integrationId: string): Principal {
  return {
    kind: 'api_key',
    subject: `chatwoot:${integrationId}`,
    tenants: [tenant.slug],
    roles: [],
    groups: [],
    scopes: ['conversations:read_all', 'conversations:manage', 'chat:write', 'knowledge:read'],
  };
}

/** Pipeline verdict → Chatwoot handoff reason; safety flags say why the pipeline escalated. */
function handoffReason(result: TurnResult, approvalPending: boolean): HandoffReason {
  if (approvalPending) return 'tool_approval';
  if (result.safety.some((f) => f.kind === 'human_request')) return 'customer_request';
  if (result.safety.some((f) => f.kind === 'topic')) return 'topic_policy';
  if (result.finishReason === 'blocked' || result.answeredBy === 'safety') return 'safety';
  if (result.noAnswer) return 'no_answer';
  return 'pipeline_failure';
}

export function chatPipelineEngine(services: Services): TurnEngine {
  const tenants = new Map<string, TenantRef>();
  const tenantRef = async (id: string) => {
    const cached = tenants.get(id);
    if (cached) return cached;
    const found = await findTenant(services.db, id);
    if (!found) throw new AppError('NOT_FOUND', 'Tenant was not found');
    tenants.set(id, found);
    return found;
  };
  return {
    async runTurn(input: TurnInput): Promise<TurnOutcome> {
      const tenant = await tenantRef(input.tenantId);
      const requestId = `chatwoot-${randomUUID()}`;
      const ctx: TenantContext = {
        services,
        requestId,
        log: services.log.child({ requestId, integration: input.integrationId }),
        principal: principalFor(tenant, input.integrationId),
        tenant,
      };
      let result: TurnResult | undefined;
      let approvalPending = false;
      for await (const event of runTurn({
        ctx,
        conversationId: input.conversationId,
        channel: 'chatwoot',
        stream: true,
        signal: input.signal,
        messages: [{ role: 'user', content: input.customerMessages.join('\n') }],
        externalMessageId: `chatwoot:${input.externalMessageId}`,
        endUser: input.contactId ? `contact:${input.contactId}` : undefined,
      })) {
        if (event.type === 'tool_result' && event.result.status === 'pending_approval') approvalPending = true;
        if (event.type === 'done') result = event.result;
      }
      if (!result) throw new Error('the chat turn ended without a result');
      const persisted = { userMessageId: result.userMessageId, assistantMessageId: result.messageId };
      const citations = result.citations.map((c) => ({ title: c.title, url: c.url, snippet: c.snippet, source_id: c.document_id, index: c.index }));
      if (result.messageId === null) return { kind: 'silent', persisted };
      if (!result.escalated && !approvalPending) return { kind: 'answer', persisted, text: result.text, citations, model: result.model ?? undefined };
      const reason = handoffReason(result, approvalPending);
      return {
        kind: 'handoff',
        persisted,
        reason,
        citations,
        customerMessage: result.text,
        detail: result.safety.find((f) => f.kind === 'topic')?.label,
        tried: [
          `answered by: ${result.answeredBy}${result.model ? ` (${result.model})` : ''}`,
          result.citations.length ? `found ${result.citations.length} source(s)` : 'found no relevant sources',
          ...(approvalPending ? ['an action is waiting for approval'] : []),
        ],
      };
    },
  };
}
