import { z } from 'zod';

/**
 * The one request/response model every provider is translated to and from. OpenAI and Anthropic
 * differ in where the system prompt lives, how tool calls are encoded (JSON text vs. parsed
 * object) and how tool results are sent back; callers never see those differences.
 */

/** A tool call as the model asked for it. `arguments` is JSON text (OpenAI's form; Anthropic's object is serialised). */
export const toolCallSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const chatMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({
    role: z.literal('assistant'),
    content: z.string().nullable(),
    toolCalls: z.array(toolCallSchema).optional(),
  }),
  z.object({ role: z.literal('tool'), toolCallId: z.string().min(1), content: z.string() }),
]);
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** A tool offered to the model; `parameters` is a JSON Schema object. */
export const toolDefinitionSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, _ or -'),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()),
});
export type ToolDefinition = z.infer<typeof toolDefinitionSchema>;

export const toolChoiceSchema = z.union([z.enum(['auto', 'none', 'required']), z.object({ name: z.string().min(1) })]);
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

export const chatRequestSchema = z.object({
  messages: z.array(chatMessageSchema).min(1, 'at least one message is required'),
  tools: z.array(toolDefinitionSchema).optional(),
  toolChoice: toolChoiceSchema.optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  /** Models to try in order ("provider:model"); defaults to the router's configured chain. */
  models: z.array(z.string().min(3)).optional(),
  /** Per-attempt timeout; defaults to the router's. */
  timeoutMs: z.number().int().positive().optional(),
  /** Opaque end-user id forwarded to providers that accept one (abuse monitoring). */
  user: z.string().optional(),
});
export type ChatRequest = z.input<typeof chatRequestSchema> & { signal?: AbortSignal };

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'other';

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** True when the provider reported nothing and the figures are a chars/4 estimate. */
  estimated?: boolean;
}

/** One try against one model, kept so callers can log and show why a fallback happened. */
export interface Attempt {
  provider: string;
  model: string;
  outcome: 'ok' | 'error' | 'skipped';
  errorCode?: string;
  message?: string;
  durationMs: number;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** USD for this call, or null when the model has no price in the table (e.g. a local model). */
  costUsd: number | null;
  provider: string;
  model: string;
  attempts: Attempt[];
}

/** What a provider adapter returns for one successful attempt (the router adds cost and attempts). */
export type ProviderResult = Omit<ChatResult, 'costUsd' | 'provider' | 'model' | 'attempts'> & { model: string };

/** Streaming deltas. A tool call arrives as fragments sharing `index`; `done` carries the assembled result. */
export type StreamDelta =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'done'; result: ChatResult };

/** Deltas as adapters produce them: no `done` (the router assembles it). */
export type ProviderDelta =
  Exclude<StreamDelta, { type: 'done' | 'usage' }> | { type: 'usage'; usage: Partial<Usage> } | { type: 'finish'; finishReason: FinishReason; model?: string };

export interface EmbedResult {
  vectors: number[][];
  model: string;
  provider: string;
  usage: { inputTokens: number };
  costUsd: number | null;
}

export interface AttemptOptions {
  signal: AbortSignal;
}

/** One provider endpoint translated to the normalised model. */
export interface ProviderAdapter {
  readonly id: string;
  readonly kind: string;
  chat(model: string, request: NormalisedRequest, options: AttemptOptions): Promise<ProviderResult>;
  stream(model: string, request: NormalisedRequest, options: AttemptOptions): AsyncIterable<ProviderDelta>;
  embed?(model: string, texts: string[], options: AttemptOptions & { dimensions?: number }): Promise<{ vectors: number[][]; inputTokens: number }>;
}

export type NormalisedRequest = Omit<z.output<typeof chatRequestSchema>, 'models' | 'timeoutMs'>;
