import { z } from 'zod';
import type { ChatMessage, FinishReason, NormalisedRequest } from '../types';

/**
 * The Anthropic Messages wire format. Differences from OpenAI handled here: the system prompt is a
 * top-level field, tool calls are `tool_use` content blocks with a parsed `input` object, tool
 * results travel inside a user turn as `tool_result` blocks, and `max_tokens` is mandatory.
 */

const DEFAULT_MAX_TOKENS = 1024;

const wireUsage = z.object({
  input_tokens: z.number().int().nullish(),
  output_tokens: z.number().int().nullish(),
  cache_creation_input_tokens: z.number().int().nullish(),
  cache_read_input_tokens: z.number().int().nullish(),
});

export const messageSchema = z.object({
  model: z.string().optional(),
  content: z.array(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('text'), text: z.string() }),
      z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
      z.object({ type: z.literal('thinking') }).loose(),
      z.object({ type: z.literal('redacted_thinking') }).loose(),
    ]),
  ),
  stop_reason: z.string().nullish(),
  usage: wireUsage,
});

export const streamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message_start'), message: z.object({ model: z.string().optional(), usage: wireUsage }) }),
  z.object({
    type: z.literal('content_block_start'),
    index: z.number().int(),
    content_block: z.object({ type: z.string(), text: z.string().optional(), id: z.string().optional(), name: z.string().optional() }),
  }),
  z.object({
    type: z.literal('content_block_delta'),
    index: z.number().int(),
    delta: z.object({ type: z.string(), text: z.string().optional(), partial_json: z.string().optional() }),
  }),
  z.object({ type: z.literal('content_block_stop'), index: z.number().int() }),
  z.object({ type: z.literal('message_delta'), delta: z.object({ stop_reason: z.string().nullish() }), usage: wireUsage.nullish() }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
]);

export function finishReasonFromAnthropic(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

/** Prompt-cache reads and writes are input tokens too; they are billed, so they are counted. */
export function inputTokensFromAnthropic(usage: z.infer<typeof wireUsage>): number {
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string };

function parseArguments(json: string): unknown {
  try {
    return json.trim() ? JSON.parse(json) : {};
  } catch {
    // A model that once produced broken JSON must still be able to see its own turn.
    return { _raw: json };
  }
}

function toBlocks(message: Exclude<ChatMessage, { role: 'system' }>): Block[] {
  if (message.role === 'user') return message.content ? [{ type: 'text', text: message.content }] : [];
  if (message.role === 'tool') return [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content }];
  const blocks: Block[] = message.content ? [{ type: 'text', text: message.content }] : [];
  for (const call of message.toolCalls ?? []) blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: parseArguments(call.arguments) });
  return blocks;
}

export function toAnthropicBody(model: string, request: NormalisedRequest) {
  const system = request.messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  // Consecutive turns of the same role are merged: tool results (role "user" on the wire) often follow each other.
  const messages: { role: 'user' | 'assistant'; content: Block[] }[] = [];
  for (const message of request.messages) {
    if (message.role === 'system') continue;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = toBlocks(message);
    if (blocks.length === 0) continue;
    const previous = messages.at(-1);
    if (previous?.role === role) previous.content.push(...blocks);
    else messages.push({ role, content: blocks });
  }
  const choice = request.toolChoice;
  return {
    model,
    max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages,
    ...(system ? { system } : {}),
    ...(request.tools?.length
      ? {
          tools: request.tools.map((tool) => ({
            name: tool.name,
            description: tool.description,
            input_schema: { type: 'object' as const, ...tool.parameters },
          })),
        }
      : {}),
    ...(choice && request.tools?.length
      ? {
          tool_choice: typeof choice === 'object' ? { type: 'tool' as const, name: choice.name } : { type: choice === 'required' ? ('any' as const) : choice },
        }
      : {}),
    ...(request.temperature !== undefined ? { temperature: Math.min(1, request.temperature) } : {}),
    ...(request.user ? { metadata: { user_id: request.user } } : {}),
  };
}
