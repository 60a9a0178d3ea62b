import { AppError, notFound } from '../../../platform/errors';
import type { Tx } from '../../../platform/db';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, auditedTransaction, recordAudit } from '../../audit';
import { emitWebhookEvent } from '../../webhooks';
import {
  assertVisible,
  escalateIn,
  findConversation,
  insertMessage,
  openConversationWithMessage,
  recentMessages,
  type ConversationRow,
  type EscalationReason,
  type MessageRow,
} from '../../conversations';
import { detectMemoryRequest, recallMemories, rememberIn } from '../../memory';
import type { TenantConfig } from '../../tenants';
import type { GateResult, SafetyGate } from './ports';
import type { Citation, TurnInput } from './types';

/** Stored turns given to the model as history: enough for follow-up questions, bounded for cost. */
const HISTORY_MESSAGES = 12;

export interface OpenedTurn {
  config: TenantConfig;
  conversation: ConversationRow;
  userMessage: MessageRow;
  history: { role: 'user' | 'assistant'; content: string }[];
  gate: SafetyGate | null;
  input: GateResult | null;
  memories: string[];
  memoryAllowedNow: boolean;
  /** An explicit "remember that …": the fact, and whether it was stored (false: consent missing). */
  memoryRequest: { fact: string; stored: boolean } | null;
}

/** What the prompt needs from the database: the reads of a turn, no lock and no write. */
export interface TurnReads {
  /** The stored conversation as read (null for a new one): its owner decides whether a model may be called. */
  conversation: ConversationRow | null;
  history: OpenedTurn['history'];
  memories: string[];
  memoryAllowedNow: boolean;
}

type Screened = { config: TenantConfig; gate: SafetyGate | null; scanned: GateResult | null };

/**
 * The read half of openTurn in its own transaction, so the model call can start while openTurn's
 * writes run. Errors (unknown, invisible or closed conversation) are the same as openTurn's.
 */
export async function readTurn(input: TurnInput, ownerRef: string, screened: Screened): Promise<TurnReads> {
  const { ctx } = input;
  return ctx.services.db.withTenant(
    ctx.tenant.id,
    async (tx) => {
      let conversation: ConversationRow | null = null;
      if (input.conversationId) {
        conversation = assertVisible(ctx, await findConversation(tx, ctx.tenant.id, input.conversationId), input.endUser);
        if (conversation.status === 'closed') throw new AppError('CONFLICT', 'This conversation is closed; start a new one');
      }
      const history = await historyFor(tx, input, conversation?.id ?? null, screened.gate);
      const recalled = await recallMemories(tx, ctx.tenant.id, ownerRef, screened.config.memory);
      return { conversation, history, ...recalledFor(recalled, screened.gate) };
    },
    { readOnly: true },
  );
}

/**
 * First transaction of a turn: the conversation (found or opened), the user's message with its
 * safety flags, history, and memory (explicit request and recall). The user's message is committed
 * before any model call is answered, so it is never lost when a model fails. With `reads: false`
 * (the caller runs readTurn alongside) history and memories are left empty and memoryAllowedNow false.
 */
export async function openTurn(
  input: TurnInput,
  question: string,
  ownerRef: string,
  screened: Screened,
  options: { reads: boolean } = { reads: true },
): Promise<OpenedTurn> {
  const { ctx } = input;
  const { config, gate, scanned } = screened;
  // a new conversation is audited (conversation.created): its lock and chain head come with BEGIN
  const scope = input.conversationId ? {} : auditedTransaction;
  return ctx.services.db.withTenant(
    ctx.tenant.id,
    async (tx) => {
      const first = { role: 'user' as const, content: question, safetyFlags: scanned?.flags ?? [], externalId: input.externalMessageId ?? null };
      let conversation: ConversationRow;
      let history: OpenedTurn['history'] = [];
      let userMessage: MessageRow;
      if (!input.conversationId) {
        // history comes from the request, so the conversation and its first message can be one statement
        ({ conversation, message: userMessage } = await openConversationWithMessage(
          tx,
          ctx,
          { channel: input.channel, title: input.title ?? null, endUser: input.endUser },
          first,
        ));
        if (options.reads) history = await historyFor(tx, input, null, gate);
      } else {
        conversation = await storedConversation(tx, input, input.conversationId);
        if (options.reads) history = await historyFor(tx, input, conversation.id, gate);
        userMessage = await insertMessage(tx, ctx.tenant.id, { conversationId: conversation.id, ...first });
      }
      const fact = scanned?.blocked ? null : detectMemoryRequest(question);
      const stored = fact
        ? await rememberIn(tx, ctx, { ownerRef, content: fact, source: 'explicit', conversationId: conversation.id, settings: config.memory })
        : null;
      const recalled = options.reads ? await recallMemories(tx, ctx.tenant.id, ownerRef, config.memory) : { allowed: false, memories: [] };
      return {
        config,
        conversation,
        userMessage,
        history,
        gate,
        input: scanned,
        ...recalledFor(recalled, gate),
        memoryRequest: fact ? { fact, stored: stored !== null } : null,
      };
    },
    scope,
  );
}

async function historyFor(tx: Tx, input: TurnInput, storedId: string | null, gate: SafetyGate | null): Promise<OpenedTurn['history']> {
  // Stored user messages are the originals: the model sees them through today's input policy too.
  const screen = (m: { role: 'user' | 'assistant'; content: string }) => ({
    role: m.role,
    content: m.role === 'user' && gate ? gate.scan(m.content, 'input').redacted : m.content,
  });
  if (input.conversationId && storedId) {
    return (await recentMessages(tx, input.ctx.tenant.id, storedId, HISTORY_MESSAGES))
      .filter((m): m is MessageRow & { role: 'user' | 'assistant' } => m.role === 'user' || m.role === 'assistant')
      .map(screen);
  }
  return input.messages
    .slice(0, -1)
    .filter((m): m is { role: 'user' | 'assistant'; content: string } => m.role !== 'system')
    .slice(-HISTORY_MESSAGES)
    .map(screen);
}

function recalledFor(recalled: { allowed: boolean; memories: string[] }, gate: SafetyGate | null) {
  return {
    // Memories were given with consent, but reach the model under the same input policy as messages.
    memories: gate ? recalled.memories.map((memory) => gate.scan(memory, 'input').redacted) : recalled.memories,
    memoryAllowedNow: recalled.allowed,
  };
}

async function storedConversation(tx: Tx, input: TurnInput, id: string): Promise<ConversationRow> {
  const { ctx } = input;
  const found = await findConversation(tx, ctx.tenant.id, id, { forUpdate: true });
  if (!found) throw notFound('Conversation');
  const conversation = assertVisible(ctx, found, input.endUser);
  if (conversation.status === 'closed') throw new AppError('CONFLICT', 'This conversation is closed; start a new one');
  return conversation;
}

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
 * Second transaction: the assistant's message, the tenant's usage rollup, the audit row of the turn
 * (ids, model, tokens, cost and safety decisions; never content), and the escalation if any.
 */
export async function finishTurn(turn: FinishedTurnInput): Promise<{ messageId: string; escalated: boolean }> {
  const { ctx } = turn;
  return ctx.services.db.withTenant(
    ctx.tenant.id,
    async (tx) => {
      const message = await insertMessage(tx, ctx.tenant.id, {
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
      });
      // Two records of usage on purpose, not two sources of truth: the message row (tokens, cost, latency) is the
      // source of truth for GET /v1/admin/usage (governance), which slices by channel and conversation; this
      // content-free daily rollup is the long-term cost ledger that outlives the messages when retention purges
      // them. Written in the same transaction as the message, so within the retention window their totals agree.
      if (turn.model && turn.provider) {
        await tx.query(
          `INSERT INTO model_usage_daily (tenant_id, day, provider, model, requests, input_tokens, output_tokens, cost_usd)
         VALUES ($1, current_date, $2, $3, 1, $4, $5, $6)
         ON CONFLICT (tenant_id, day, provider, model) DO UPDATE SET
           requests = model_usage_daily.requests + 1,
           input_tokens = model_usage_daily.input_tokens + EXCLUDED.input_tokens,
           output_tokens = model_usage_daily.output_tokens + EXCLUDED.output_tokens,
           cost_usd = model_usage_daily.cost_usd + EXCLUDED.cost_usd`,
          [ctx.tenant.id, turn.provider, turn.model.slice(turn.provider.length + 1), turn.usage.inputTokens, turn.usage.outputTokens, turn.costUsd],
        );
      }
      const flagged = turn.safetyFlags.length > 0;
      await recordAudit(tx, ctx.tenant.id, {
        action: 'chat.turn',
        actor: actorOf(ctx.principal),
        resource: { type: 'conversation', id: turn.conversation.id },
        data: {
          user_message_id: turn.userMessageId,
          message_id: message.id,
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
      });
      if (flagged) {
        await recordAudit(tx, ctx.tenant.id, {
          action: turn.finishReason === 'blocked' ? 'safety.blocked' : 'safety.flagged',
          actor: actorOf(ctx.principal),
          resource: { type: 'message', id: turn.userMessageId },
          data: { conversation_id: turn.conversation.id, flags: turn.safetyFlags },
          requestId: ctx.requestId,
        });
        await emitWebhookEvent(tx, ctx.tenant.id, 'safety.alert', {
          conversation_id: turn.conversation.id,
          message_id: turn.userMessageId,
          blocked: turn.finishReason === 'blocked',
          flags: turn.safetyFlags,
        });
      }
      let escalated = turn.conversation.status === 'escalated';
      if (turn.escalate) {
        const current = await findConversation(tx, ctx.tenant.id, turn.conversation.id, { forUpdate: true });
        if (current) escalated = (await escalateIn(tx, ctx, current, { reason: turn.escalate })).status === 'escalated';
      }
      return { messageId: message.id, escalated };
    },
    auditedTransaction,
  ); // every turn is audited (chat.turn)
}
