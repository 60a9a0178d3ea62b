import { z } from 'zod';
import type { FinishReason, NormalisedRequest } from '../types';

/**
 * The OpenAI Chat Completions wire format, both directions. The SDK types the response but does
 * not validate it, and OpenAI-compatible servers (Ollama, vLLM, LiteLLM) vary, so the fields we
 * rely on are parsed here; everything else is ignored.
 */

const wireToolCall = z.object({
  id: z.string(),
  function: z.object({ name: z.string(), arguments: z.string().default('') }),
});

const wireUsage = z
  .object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int().default(0), total_tokens: z.number().int().optional() })
  .nullish();

export const completionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), tool_calls: z.array(wireToolCall).nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: wireUsage,
});

export const chunkSchema = z.object({
  model: z.string().optional(),
  choices: z.array(
    z.object({
      delta: z
        .object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                index: z.number().int(),
                id: z.string().nullish(),
                function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
              }),
            )
            .nullish(),
        })
        .nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
  usage: wireUsage,
});

export const embeddingsSchema = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
  usage: z.object({ prompt_tokens: z.number().int() }).nullish(),
});

export function finishReasonFromOpenAi(reason: string | null | undefined): FinishReason {
  if (reason === 'stop' || reason === 'length' || reason === 'tool_calls' || reason === 'content_filter') return reason;
  if (reason === 'function_call') return 'tool_calls';
  return 'other';
}

export function usageFromOpenAi(usage: z.infer<typeof wireUsage>) {
  if (!usage) return undefined;
  const total = usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens;
  return { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, totalTokens: total };
}

/** Builds the request body shared by plain and streaming calls. */
export function toOpenAiBody(model: string, request: NormalisedRequest, maxTokensField: 'max_tokens' | 'max_completion_tokens') {
  const messages = request.messages.map((message) => {
    switch (message.role) {
      case 'assistant':
        return {
          role: 'assistant' as const,
          content: message.content,
          ...(message.toolCalls?.length
            ? {
                tool_calls: message.toolCalls.map((call) => ({
                  id: call.id,
                  type: 'function' as const,
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
        };
      case 'tool':
        return { role: 'tool' as const, tool_call_id: message.toolCallId, content: message.content };
      default:
        return { role: message.role, content: message.content };
    }
  });
  const toolChoice = request.toolChoice;
  return {
    model,
    messages,
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool) => ({
            type: 'function' as const,
            function: { name: tool.name, description: tool.description, parameters: tool.parameters },
          })),
        }
      : {}),
    ...(toolChoice && request.tools?.length
      ? { tool_choice: typeof toolChoice === 'string' ? toolChoice : { type: 'function' as const, function: { name: toolChoice.name } } }
      : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.maxTokens !== undefined ? { [maxTokensField]: request.maxTokens } : {}),
    ...(request.user ? { user: request.user } : {}),
  };
}
