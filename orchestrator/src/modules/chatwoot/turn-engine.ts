import type { Services } from '../../platform/services';
import { chatPipelineEngine } from './chat-engine';
import type { Citation, HandoffReason } from './chatwoot.schema';

/**
 * What the bot needs from the chat pipeline for one customer turn. The chat module's `runTurn` is adapted to
 * this in `chat-adapter.ts`; keeping the seam this small lets the bridge be tested and benchmarked with any
 * engine, and lets the chat pipeline evolve without touching Chatwoot code.
 */
export interface TurnInput {
  tenantId: string;
  /** Atrium conversation id (the mirror of the Chatwoot conversation) */
  conversationId: string;
  integrationId: string;
  /** newest Chatwoot message id of the turn (correlation, idempotency) */
  externalMessageId: string;
  /** Chatwoot contact id, if known: scopes memory to the customer */
  contactId?: number | null;
  /** the customer's unanswered message(s), oldest first — a burst is answered once */
  customerMessages: string[];
  /** recent mirrored history, oldest first (customer, bot, agents; never private notes) */
  history: Array<{ role: string; content: string }>;
  signal?: AbortSignal;
}

/** Set when the engine stored the turn itself (the chat pipeline does); otherwise the bridge stores it. */
export interface PersistedTurn {
  userMessageId: string;
  assistantMessageId: string | null;
}

export type TurnOutcome =
  | { kind: 'silent'; persisted?: PersistedTurn }
  | {
      kind: 'answer';
      persisted?: PersistedTurn;
      text: string;
      citations: Citation[];
      /** short options the customer can tap (rendered as `input_select`) */
      quickReplies?: string[];
      model?: string;
    }
  | {
      kind: 'handoff';
      persisted?: PersistedTurn;
      reason: HandoffReason;
      /** e.g. the topic id or safety rule that fired */
      detail?: string;
      /** one paragraph for the agent; defaults to the customer's words */
      summary?: string;
      /** what the pipeline tried before giving up */
      tried?: string[];
      citations?: Citation[];
      /** a draft the agent may send (shown as a suggested reply in the panel) */
      draft?: string;
      /** said to the customer before the handoff (else a default) */
      customerMessage?: string;
    };

export interface TurnEngine {
  runTurn(input: TurnInput): Promise<TurnOutcome>;
}

const engines = new WeakMap<Services, TurnEngine>();

/** Per-services, not global, so tests and benches can run isolated instances side by side. */
export function setTurnEngine(services: Services, engine: TurnEngine): void {
  engines.set(services, engine);
}

/** The installed engine, else the chat pipeline (created once per services). */
export function turnEngineOf(services: Services): TurnEngine {
  let engine = engines.get(services);
  if (!engine) engines.set(services, (engine = chatPipelineEngine(services)));
  return engine;
}
