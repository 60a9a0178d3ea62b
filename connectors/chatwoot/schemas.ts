import { z } from 'zod';

/**
 * Zod schemas of the Chatwoot API responses Atrium reads (contract README §1.2, §2, §3, §4, §5, §6). They keep only
 * the fields Atrium uses and tolerate additions (Chatwoot grows its JSON between versions); required fields are
 * the ones Atrium cannot work without.
 */
const jsonObject = z.record(z.string(), z.unknown());
export const conversationStatusSchema = z.enum(['open', 'resolved', 'pending', 'snoozed']);
export type ConversationStatus = z.infer<typeof conversationStatusSchema>;

/** `_message.json.jbuilder`; `message_type` is an integer here (0 incoming, 1 outgoing, 2 activity, 3 template). */
export const apiMessageSchema = z.object({
  id: z.number().int(),
  content: z.string().nullable(),
  inbox_id: z.number().int().optional(),
  echo_id: z.string().optional(),
  conversation_id: z.number().int(),
  message_type: z.number().int(),
  content_type: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
  content_attributes: jsonObject.nullable().optional(),
  created_at: z.number(),
  private: z.boolean(),
  source_id: z.string().nullable().optional(),
  sender: jsonObject.nullable().optional(),
});
export type ChatwootApiMessage = z.infer<typeof apiMessageSchema>;

/** A message in "push" format (conversation `messages[]`, GET messages payload). */
export const pushMessageSchema = apiMessageSchema.extend({
  sender_type: z.string().nullable().optional(),
  sender_id: z.number().int().nullable().optional(),
});

export const conversationSchema = z.object({
  id: z.number().int(),
  inbox_id: z.number().int(),
  status: conversationStatusSchema,
  labels: z.array(z.string()).default([]),
  custom_attributes: jsonObject.default({}),
  messages: z.array(pushMessageSchema).default([]),
  last_non_activity_message: pushMessageSchema.nullable().optional(),
  meta: z.object({ assignee: jsonObject.optional(), channel: z.string().optional() }).optional(),
});
export type ChatwootConversation = z.infer<typeof conversationSchema>;

export const toggleStatusResponseSchema = z.object({
  payload: z.object({
    /** null on a bot handoff: Chatwoot does not set it (README §3) */
    success: z.boolean().nullable().optional(),
    conversation_id: z.number().int(),
    current_status: conversationStatusSchema,
  }),
});

export const labelsResponseSchema = z.object({ payload: z.array(z.string()) });
export const customAttributesResponseSchema = z.object({ custom_attributes: jsonObject });
export const messagesPageSchema = z.object({ payload: z.array(pushMessageSchema) });

export const agentBotSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  outgoing_url: z.string().optional(),
  account_id: z.number().int().nullable().optional(),
  /** only for an administrator of the bot's own account (README §1.2) */
  access_token: z.string().optional(),
  secret: z.string().nullable().optional(),
});
export type ChatwootAgentBot = z.infer<typeof agentBotSchema>;

export const agentSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['agent', 'administrator']),
  availability_status: z.string().optional(),
  confirmed: z.boolean().optional(),
});
export type ChatwootAgent = z.infer<typeof agentSchema>;

export const webhookSchema = z.object({
  id: z.number().int(),
  url: z.string(),
  subscriptions: z.array(z.string()),
  secret: z.string().nullable().optional(),
});
export type ChatwootWebhook = z.infer<typeof webhookSchema>;
/** The code wraps webhooks in `payload` although swagger shows the bare object (README §4). */
export const webhookCreateResponseSchema = z.object({ payload: z.object({ webhook: webhookSchema }) });
export const webhookListResponseSchema = z.object({ payload: z.object({ webhooks: z.array(webhookSchema) }) });

export const dashboardAppSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  content: z.array(z.object({ type: z.string(), url: z.string() })),
});
export type ChatwootDashboardApp = z.infer<typeof dashboardAppSchema>;

export const profileSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  accounts: z.array(z.object({ id: z.number().int(), role: z.enum(['agent', 'administrator']) })).default([]),
});
export type ChatwootProfile = z.infer<typeof profileSchema>;

/** Endpoints answering `head :ok` or an empty body. */
export const emptyResponseSchema = z.unknown();
