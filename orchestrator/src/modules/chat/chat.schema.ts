import { z } from 'zod';
import { citationSchema } from '../conversations';

/**
 * POST /v1/chat/completions, the OpenAI Chat Completions wire format: what the official SDKs send
 * is accepted as is (unknown fields are ignored, content may be a string or text parts). Atrium
 * extensions are additive: `conversation_id` in, and `conversation_id`, `citations` and `atrium` out.
 */

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const content = z
  .union([z.string(), z.array(z.union([textPart, z.object({ type: z.string() }).loose()]))])
  .nullish()
  .transform((value) => {
    if (value == null) return '';
    if (typeof value === 'string') return value;
    return value.flatMap((part) => (part.type === 'text' && typeof part.text === 'string' ? [part.text] : [])).join('\n');
  });

const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content,
});

export const chatCompletionBody = z.object({
  model: z.string().max(200).default('atrium').describe('Echoed back; the tenant configuration chooses the models'),
  messages: z.array(message).min(1, 'at least one message is required').max(200),
  stream: z.boolean().default(false),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().min(1).max(200).optional().describe('End-user id behind an API key: scopes conversations and memory'),
  conversation_id: z.uuid('conversation_id must be a UUID').optional().describe('Atrium extension: continue a stored conversation'),
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/)
    .default('api')
    .describe('Atrium extension: channel name stored on a new conversation'),
  temperature: z.number().min(0).max(2).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
});
export type ChatCompletionBody = z.infer<typeof chatCompletionBody>;

const safetyFlag = z.object({
  direction: z.string(),
  kind: z.string(),
  action: z.string(),
  label: z.string().optional(),
  score: z.number().optional(),
  chunkId: z.string().optional(),
});

export const atriumExtension = z.object({
  message_id: z.string().nullable(),
  answered_by: z.string(),
  escalated: z.boolean(),
  no_answer: z.boolean(),
  cost_usd: z.number(),
  safety: z.array(safetyFlag),
  model: z.string().nullable(),
  timings: z.object({ total_ms: z.number(), model_ms: z.number() }).describe('Where the time went: the whole turn, and the part spent waiting for models'),
});

export const chatCompletionResponse = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.string().nullable() }),
      finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
      logprobs: z.null(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
  conversation_id: z.string(),
  citations: z.array(citationSchema),
  atrium: atriumExtension,
});
export type ChatCompletionResponse = z.infer<typeof chatCompletionResponse>;
