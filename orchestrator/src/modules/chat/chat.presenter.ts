import type { ChatCompletionResponse } from './chat.schema';
import type { TurnResult } from './turn/types';

/** OpenAI has no "blocked"/"escalated"/"interrupted": those read as content_filter or stop, with the detail under `atrium`. */
export function openAiFinishReason(result: Pick<TurnResult, 'finishReason'>): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  switch (result.finishReason) {
    case 'length':
    case 'content_filter':
      return result.finishReason;
    case 'blocked':
      return 'content_filter';
    default:
      return 'stop';
  }
}

export function atriumFields(result: TurnResult) {
  return {
    message_id: result.messageId,
    answered_by: result.answeredBy,
    escalated: result.escalated,
    no_answer: result.noAnswer,
    cost_usd: result.costUsd,
    safety: result.safety,
    model: result.model,
    timings: { total_ms: Math.round(result.latencyMs * 10) / 10, model_ms: Math.round(result.modelMs * 10) / 10 },
  };
}

export function presentCompletion(result: TurnResult, requestedModel: string, created: number): ChatCompletionResponse {
  return {
    id: `chatcmpl-${result.messageId ?? result.userMessageId}`,
    object: 'chat.completion',
    created,
    model: requestedModel,
    choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, finish_reason: openAiFinishReason(result), logprobs: null }],
    usage: { prompt_tokens: result.usage.inputTokens, completion_tokens: result.usage.outputTokens, total_tokens: result.usage.totalTokens },
    conversation_id: result.conversationId,
    citations: result.citations,
    atrium: atriumFields(result),
  };
}
