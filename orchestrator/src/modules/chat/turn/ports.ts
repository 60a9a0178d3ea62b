import type { ToolDefinition } from '@atrium/connectors/llm';
import type { Services } from '../../../platform/services';
import type { TenantContext } from '../../../platform/http/context';

/**
 * What the turn needs from other capabilities, as small interfaces. Knowledge and safety are wired in
 * integrations.ts through their modules' index.ts; tools register a provider at boot (setToolProvider),
 * because the tools module depends on chat, not the other way round.
 */

export interface Passage {
  chunkId: string;
  documentId: string;
  title: string;
  url: string | null;
  text: string;
  score: number;
}

export interface Retriever {
  retrieve(ctx: TenantContext, input: { query: string; topK: number; minScore: number }): Promise<Passage[]>;
}

export type SafetyDirection = 'input' | 'output' | 'retrieved' | 'tool';

/** One recorded decision, stored on the message and shown in the stream. Never the offending text itself. */
export interface SafetyFlag {
  direction: SafetyDirection;
  kind: 'injection' | 'pii' | 'secret' | 'dlp' | 'topic' | 'human_request';
  action: 'redact' | 'block' | 'warn' | 'flag' | 'escalate' | 'drop';
  /** Entity type, DLP rule id, topic id or detector name. */
  label?: string;
  score?: number;
  /** For retrieved chunks: which source. */
  chunkId?: string;
}

export interface RedactionSpan {
  start: number;
  end: number;
  label: string;
}

export interface GateResult {
  /** Text with the policy's redactions applied (what the model or the user may see). */
  redacted: string;
  /** The spans behind `redacted`, so a stream can redact a prefix consistently. */
  spans: RedactionSpan[];
  blocked: boolean;
  escalate: boolean;
  flags: SafetyFlag[];
  /** Tenant-configured reply for a refused topic, if any. */
  refusal?: string;
}

export interface SafetyGate {
  scan(text: string, direction: SafetyDirection): GateResult;
  redact(text: string, spans: RedactionSpan[]): string;
  /** The output policy redacts entities written as plain words (names, places): a stream must hold capitalised words back. */
  redactsWordsInOutput?: boolean;
}

export interface ToolCallRequest {
  id: string;
  name: string;
  /** JSON text, as the model produced it. */
  arguments: string;
}

export interface ToolOutcome {
  status: 'ok' | 'error' | 'pending_approval';
  /** What the model reads back (JSON or text). */
  content: string;
}

export interface ToolTurnContext {
  ctx: TenantContext;
  conversationId: string;
  endUser?: string;
}

/**
 * The pluggable tool loop: tools the model may call this turn, and how a call is carried out. Listing
 * needs no conversation: the turn asks for the list while it is still storing the message.
 */
export interface ToolProvider {
  list(turn: Omit<ToolTurnContext, 'conversationId'>): Promise<ToolDefinition[]>;
  execute(turn: ToolTurnContext, call: ToolCallRequest): Promise<ToolOutcome>;
}

const toolProviders = new WeakMap<Services, ToolProvider>();

/** Called by the tools module's init(services): from then on every turn may use its tools. */
export function setToolProvider(services: Services, provider: ToolProvider): void {
  toolProviders.set(services, provider);
}

export function toolProviderOf(services: Services): ToolProvider | undefined {
  return toolProviders.get(services);
}
