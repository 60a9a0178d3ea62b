import { randomUUID } from 'node:crypto';
import type { StatementPart } from '../../../platform/db';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, auditAppend, auditedTransaction, recordAudits, type AuditEvent } from '../../audit';
import { webhookOutboxPart } from '../../webhooks';
import { escalateIn, findConversation, insertMessage, type ConversationRow, type EscalationReason } from '../../conversations';
import type { Citation } from './types';

export interface FinishedTurnInput {
  ctx: TenantContext;
  conversation: ConversationRow;
  userMessageId: string;
  text: string;
  citations: Citation[];
  model: string | null;
  provider: string | null;
  usage: { inputTokens: number; outputTokens: number };
  costUsd: number;
  latencyMs: number;
  safetyFlags: unknown[];
  toolCalls: unknown[];
  escalate: EscalationReason | null;
  answeredBy: string;
  finishReason: string;
}

/**
 * Second transaction: the assistant's message, the tenant's usage rollup, the audit rows of the turn
 * (ids, model, tokens, cost and safety decisions; never content), a safety alert, and the escalation if any.
 */
export async function finishTurn(turn: FinishedTurnInput): Promise<{ messageId: string; escalated: boolean }> {
  const { ctx } = turn;
  return ctx.services.db.withTenant(
    ctx.tenant.id,
    async (tx) => {
      // The message, the usage rollup, the audit rows (the chain head came with BEGIN) and a safety alert's outbox
      // rows are one statement: the message id is made here so that the audit row can name it.
      const messageId = randomUUID();
      const events = turnAuditEvents(turn, messageId);
      const audit = auditAppend(tx, ctx.tenant.id, events);
      const parts: StatementPart[] = [...usageRollup(turn), ...(audit ? [audit] : []), ...safetyAlert(turn)];
      await insertMessage(
        tx,
        ctx.tenant.id,
        {
          id: messageId,
          conversationId: turn.conversation.id,
          role: 'assistant',
          content: turn.text,
          citations: turn.citations,
          toolCalls: turn.toolCalls,
          model: turn.model,
          promptTokens: turn.usage.inputTokens,
          completionTokens: turn.usage.outputTokens,
          costUsd: turn.costUsd,
          latencyMs: Math.round(turn.latencyMs),
          safetyFlags: turn.safetyFlags,
        },
        parts,
      );
      if (audit) audit.appended();
      else await recordAudits(tx, ctx.tenant.id, events);
      let escalated = turn.conversation.status === 'escalated';
      if (turn.escalate) {
        const current = await findConversation(tx, ctx.tenant.id, turn.conversation.id, { forUpdate: true });
        if (current) escalated = (await escalateIn(tx, ctx, current, { reason: turn.escalate })).status === 'escalated';
      }
      return { messageId, escalated };
    },
    auditedTransaction, // every turn is audited (chat.turn)
  );
}

/**
 * Two records of usage on purpose, not two sources of truth: the message row (tokens, cost, latency) is the source of
 * truth for GET /v1/admin/usage (governance), which slices by channel and conversation; this content-free daily
 * rollup is the long-term cost ledger that outlives the messages when retention purges them. Written by the same
 * statement as the message, so within the retention window their totals agree.
 */
function usageRollup(turn: FinishedTurnInput): StatementPart[] {
  if (!turn.model || !turn.provider) return [];
  return [
    {
      sql: (n) => `INSERT INTO model_usage_daily (tenant_id, day, provider, model, requests, input_tokens, output_tokens, cost_usd)
         VALUES ($${n}::uuid, current_date, $${n + 1}::text, $${n + 2}::text, 1, $${n + 3}::int, $${n + 4}::int, $${n + 5}::numeric)
         ON CONFLICT (tenant_id, day, provider, model) DO UPDATE SET
           requests = model_usage_daily.requests + 1,
           input_tokens = model_usage_daily.input_tokens + EXCLUDED.input_tokens,
           output_tokens = model_usage_daily.output_tokens + EXCLUDED.output_tokens,
           cost_usd = model_usage_daily.cost_usd + EXCLUDED.cost_usd`,
      params: [turn.ctx.tenant.id, turn.provider, turn.model.slice(turn.provider.length + 1), turn.usage.inputTokens, turn.usage.outputTokens, turn.costUsd],
    },
  ];
}

/** The turn's audit row (ids, model, tokens, cost and safety decisions; never content) and, if flagged, the safety decision's. */
function turnAuditEvents(turn: FinishedTurnInput, messageId: string): AuditEvent[] {
  const { ctx } = turn;
  const events: AuditEvent[] = [
    {
      action: 'chat.turn',
      actor: actorOf(ctx.principal),
      resource: { type: 'conversation', id: turn.conversation.id },
      data: {
        user_message_id: turn.userMessageId,
        message_id: messageId,
        answered_by: turn.answeredBy,
        finish_reason: turn.finishReason,
        model: turn.model,
        input_tokens: turn.usage.inputTokens,
        output_tokens: turn.usage.outputTokens,
        cost_usd: turn.costUsd,
        citations: turn.citations.map((c) => c.chunk_id),
        safety: turn.safetyFlags,
      },
      requestId: ctx.requestId,
    },
  ];
  if (turn.safetyFlags.length) {
    events.push({
      action: turn.finishReason === 'blocked' ? 'safety.blocked' : 'safety.flagged',
      actor: actorOf(ctx.principal),
      resource: { type: 'message', id: turn.userMessageId },
      data: { conversation_id: turn.conversation.id, flags: turn.safetyFlags },
      requestId: ctx.requestId,
    });
  }
  return events;
}

function safetyAlert(turn: FinishedTurnInput): StatementPart[] {
  if (!turn.safetyFlags.length) return [];
  return [
    webhookOutboxPart(turn.ctx.tenant.id, 'safety.alert', {
      conversation_id: turn.conversation.id,
      message_id: turn.userMessageId,
      blocked: turn.finishReason === 'blocked',
      flags: turn.safetyFlags,
    }),
  ];
}
