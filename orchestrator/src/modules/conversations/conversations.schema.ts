import { z } from 'zod';

export const conversationParams = z.object({ id: z.uuid('conversation id must be a UUID') });

export const createConversationBody = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  channel: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'channel is a short lowercase name')
    .default('api'),
  external_id: z.string().min(1).max(200).optional().describe('Id of the conversation in the channel (e.g. Chatwoot); unique per channel'),
  metadata: z.record(z.string(), z.unknown()).optional(),
  user: z.string().min(1).max(200).optional().describe("End-user id, for API keys that serve many users (as in OpenAI's `user`)"),
});

export const listConversationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.iso.datetime({ offset: true }).optional().describe('Cursor: `next_before` of the previous page'),
  status: z.enum(['open', 'pending', 'escalated', 'resolved', 'closed']).optional(),
  user: z.string().min(1).max(200).optional(),
});

export const endUserQuery = z.object({ user: z.string().min(1).max(200).optional() });

export const escalateBody = z.object({
  reason: z.string().trim().min(1).max(500).optional(),
  user: z.string().min(1).max(200).optional(),
});

export const citationSchema = z.object({
  index: z.number().int(),
  chunk_id: z.string(),
  document_id: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  snippet: z.string(),
  score: z.number(),
});

export const conversationSchema = z.object({
  id: z.string(),
  channel: z.string(),
  external_id: z.string().nullable(),
  title: z.string().nullable(),
  status: z.string(),
  owner: z.enum(['bot', 'human']),
  created_at: z.string(),
  updated_at: z.string(),
  last_message_at: z.string().nullable(),
  abilities: z.array(z.string()).describe('What the caller may do with this conversation'),
});

export const toolCallSchema = z.object({ id: z.string(), name: z.string(), arguments: z.string(), status: z.string() });

export const messageSchema = z.object({
  id: z.string(),
  role: z.string(),
  content: z.string(),
  citations: z.array(citationSchema),
  model: z.string().nullable(),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), cost_usd: z.number() }),
  safety_flags: z.array(z.record(z.string(), z.unknown())),
  tool_calls: z.array(toolCallSchema).describe('Tools the assistant called for this reply, in order, with how each ended'),
  created_at: z.string(),
});

export const conversationDetailSchema = conversationSchema.extend({ messages: z.array(messageSchema) });
export const conversationListSchema = z.object({ items: z.array(conversationSchema), next_before: z.string().nullable() });
