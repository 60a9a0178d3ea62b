import { AppError } from '../../../platform/errors';
import type { Tx } from '../../../platform/db';
import { auditedTransaction } from '../../audit';
import {
  assertVisible,
  findConversation,
  insertMessage,
  openConversationWithMessage,
  recentMessages,
  type ConversationRow,
  type MessageRow,
} from '../../conversations';
import { detectMemoryRequest, recallMemories, rememberIn } from '../../memory';
import type { TenantConfig } from '../../tenants';
import type { GateResult, SafetyGate } from './ports';
import type { TurnInput } from './types';

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
      const conversation = input.conversationId ? await storedConversation(tx, input, input.conversationId, { forUpdate: false }) : null;
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

/** The conversation a turn continues: visible to the caller and still open (locked for openTurn's writes). */
async function storedConversation(tx: Tx, input: TurnInput, id: string, options = { forUpdate: true }): Promise<ConversationRow> {
  const { ctx } = input;
  const conversation = assertVisible(ctx, await findConversation(tx, ctx.tenant.id, id, options), input.endUser);
  if (conversation.status === 'closed') throw new AppError('CONFLICT', 'This conversation is closed; start a new one');
  return conversation;
}
