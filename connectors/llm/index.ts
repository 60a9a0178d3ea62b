/**
 * @atrium/connectors/llm: one model router over the official OpenAI and Anthropic SDKs.
 * Callers build a `ModelRouter` from plain config data and use `chat`, `stream` and `embed`.
 */
export { ModelRouter, type RouterDeps } from './router';
export {
  routerConfigSchema,
  providerConfigSchema,
  modelRefSchema,
  parseModelRef,
  type RouterConfig,
  type RouterConfigInput,
  type ProviderConfig,
} from './config';
export { LlmError, type LlmErrorCode } from './errors';
export { PriceTable, DEFAULT_PRICES, priceSchema, type Price } from './pricing';
export type { BreakerState } from './attempt';
export { estimateTokens } from './stream-assembler';
export {
  chatMessageSchema,
  toolCallSchema,
  toolDefinitionSchema,
  toolChoiceSchema,
  type Attempt,
  type ChatMessage,
  type ChatRequest,
  type ChatResult,
  type EmbedResult,
  type FinishReason,
  type ProviderAdapter,
  type StreamDelta,
  type ToolCall,
  type ToolChoice,
  type ToolDefinition,
  type Usage,
} from './types';
