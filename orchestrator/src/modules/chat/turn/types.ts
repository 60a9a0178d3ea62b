import type { TenantContext } from '../../../platform/http/context';
import type { SafetyFlag } from './ports';
import type { ToolProvider } from './ports';

/** A message as channels hand it to the turn: plain text by role. */
export interface TurnMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TurnInput {
  ctx: TenantContext;
  /** Continue this conversation (its stored history is used); omitted: a new conversation is opened. */
  conversationId?: string;
  /** The last user message is the new turn; earlier ones are context for a new conversation only. */
  messages: TurnMessage[];
  /** api, widget, chatwoot, playground, … (stored on the conversation). */
  channel: string;
  /** End user behind an API key (OpenAI's `user`): scopes conversation ownership and memory. */
  endUser?: string;
  /** Id of the message in the channel (e.g. Chatwoot), stored for idempotency and correlation. */
  externalMessageId?: string;
  /** Title for a new conversation. */
  title?: string;
  signal?: AbortSignal;
  /** Overrides the tool provider registered for the process (tests, playground). */
  toolProvider?: ToolProvider;
}

export interface Citation {
  /** The [n] the answer uses. */
  index: number;
  chunk_id: string;
  document_id: string;
  title: string;
  url: string | null;
  snippet: string;
  score: number;
}

export type AnsweredBy = 'model' | 'extractive' | 'fallback' | 'safety' | 'memory' | 'human';

export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface TurnResult {
  conversationId: string;
  userMessageId: string;
  /** Null when a human owns the conversation and the bot stayed silent. */
  messageId: string | null;
  text: string;
  citations: Citation[];
  finishReason: 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'blocked' | 'escalated' | 'interrupted';
  /** "provider:model", "atrium:extractive", or null when no model ran. */
  model: string | null;
  usage: TurnUsage;
  costUsd: number;
  answeredBy: AnsweredBy;
  escalated: boolean;
  noAnswer: boolean;
  safety: SafetyFlag[];
  latencyMs: number;
  /** Of latencyMs, the time spent waiting for models (0 without one). */
  modelMs: number;
}

export type TurnEvent =
  | { type: 'conversation'; conversationId: string; userMessageId: string }
  | { type: 'delta'; text: string }
  | { type: 'citation'; citation: Citation }
  | { type: 'tool_call'; call: { id: string; name: string; arguments: string } }
  | { type: 'tool_result'; result: { id: string; name: string; status: 'ok' | 'error' | 'pending_approval'; content: string } }
  | { type: 'safety'; flag: SafetyFlag }
  | { type: 'done'; result: TurnResult };
