import { z } from 'zod';
import { conversationStatusSchema } from './schemas';

/**
 * Zod schemas for what Chatwoot POSTs to an agent bot's `outgoing_url` and to account webhooks (README §1.5, §1.6,
 * §4): body = the model's `webhook_data` + `event` (+ `changed_attributes`). Only the fields Atrium relies on are
 * required; unknown events parse as `{ known: false }` so a newer Chatwoot never breaks the endpoint.
 */
const jsonObject = z.record(z.string(), z.unknown());
const ref = z.object({ id: z.number().int(), name: z.string().optional() });

export const changedAttributesSchema = z
  .array(z.record(z.string(), z.object({ previous_value: z.unknown(), current_value: z.unknown() })))
  .nullable()
  .optional();

/** `Conversations::EventDataPresenter#push_data` + account. `id` is the display id. */
export const webhookConversationSchema = z.object({
  id: z.number().int(),
  inbox_id: z.number().int(),
  status: conversationStatusSchema,
  channel: z.string().optional(),
  labels: z.array(z.string()).default([]),
  custom_attributes: jsonObject.default({}),
  additional_attributes: jsonObject.default({}),
  meta: z
    .object({
      sender: jsonObject.nullable().optional(),
      assignee: jsonObject.nullable().optional(),
      assignee_type: z.enum(['User', 'AgentBot']).nullable().optional(),
    })
    .default({}),
  contact_inbox: z.object({ contact_id: z.number().int().optional(), source_id: z.string().nullable().optional() }).nullable().optional(),
  account: ref.optional(),
  created_at: z.number().optional(),
  updated_at: z.number().optional(),
});
export type WebhookConversation = z.infer<typeof webhookConversationSchema>;

export const messageEventSchema = z.object({
  event: z.enum(['message_created', 'message_updated']),
  id: z.number().int(),
  content: z.string().nullable(),
  content_type: z.string().nullable().default('text'),
  content_attributes: jsonObject.nullable().default({}),
  /** a string here, unlike the integer in nested `messages[]` */
  message_type: z.enum(['incoming', 'outgoing', 'activity', 'template']),
  private: z.boolean(),
  created_at: z.string(),
  source_id: z.string().nullable().optional(),
  account: ref,
  inbox: ref,
  /** Contact webhook_data has no `type`; User has "user", AgentBot "agent_bot" (README §1.6) */
  sender: z.object({ id: z.number().int(), name: z.string().nullable().optional(), type: z.string().optional() }).nullable(),
  conversation: webhookConversationSchema,
  attachments: z.array(jsonObject).optional(),
});
export type MessageEvent = z.infer<typeof messageEventSchema>;

export const conversationEventSchema = webhookConversationSchema.extend({
  event: z.enum(['conversation_created', 'conversation_opened', 'conversation_resolved', 'conversation_status_changed', 'conversation_updated']),
  changed_attributes: changedAttributesSchema,
});
export type ConversationEvent = z.infer<typeof conversationEventSchema>;

export const webwidgetTriggeredSchema = z.object({
  event: z.literal('webwidget_triggered'),
  id: z.number().int(),
  source_id: z.string().nullable().optional(),
  account: ref,
  inbox: ref,
  contact: jsonObject.nullable(),
  current_conversation: webhookConversationSchema.nullable(),
  event_info: jsonObject.optional(),
});
export type WebwidgetTriggeredEvent = z.infer<typeof webwidgetTriggeredSchema>;

export const typingEventSchema = z.object({
  event: z.enum(['conversation_typing_on', 'conversation_typing_off']),
  user: jsonObject.nullable(),
  conversation: webhookConversationSchema,
  is_private: z.boolean().optional(),
});
export type TypingEvent = z.infer<typeof typingEventSchema>;

export const chatwootEventSchema = z.discriminatedUnion('event', [messageEventSchema, conversationEventSchema, webwidgetTriggeredSchema, typingEventSchema]);
export type ChatwootEvent = z.infer<typeof chatwootEventSchema>;
export const KNOWN_EVENTS: ReadonlySet<string> = new Set([
  ...messageEventSchema.shape.event.options,
  ...conversationEventSchema.shape.event.options,
  'webwidget_triggered',
  ...typingEventSchema.shape.event.options,
]);

export type ParsedEvent =
  { known: true; event: ChatwootEvent } | { known: false; name: string } | { known: true; invalid: true; name: string; issues: string[] };

/** Parses an already JSON-decoded delivery body. */
export function parseChatwootEvent(body: unknown): ParsedEvent {
  const name = typeof body === 'object' && body !== null ? String((body as { event?: unknown }).event ?? '') : '';
  if (!KNOWN_EVENTS.has(name)) return { known: false, name };
  const parsed = chatwootEventSchema.safeParse(body);
  if (parsed.success) return { known: true, event: parsed.data };
  return { known: true, invalid: true, name, issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) };
}

/** Who wrote a message, by the contract's rule: message_type first, sender.type only to tell agents from bots. */
export type MessageAuthor = 'customer' | 'agent' | 'bot' | 'private_note' | 'system';
export function messageAuthor(m: MessageEvent): MessageAuthor {
  if (m.private) return 'private_note';
  if (m.message_type === 'incoming') return 'customer';
  if (m.message_type === 'outgoing' && m.sender?.type === 'agent_bot') return 'bot';
  if (m.message_type === 'outgoing' && m.sender?.type === 'user') return 'agent';
  return 'system';
}

/** The Chatwoot account an event belongs to. */
export function eventAccountId(e: ChatwootEvent): number | undefined {
  if ('account' in e && e.account) return e.account.id;
  if ('conversation' in e) return e.conversation.account?.id;
  return undefined;
}

/** The conversation (display id) an event is about, if any. */
export function eventConversation(e: ChatwootEvent): WebhookConversation | null {
  if (e.event === 'webwidget_triggered') return e.current_conversation;
  if ('conversation' in e) return e.conversation;
  return e;
}

/**
 * What a customer submitted on an interactive message in the web widget (README §2 "Reply path back to the bot"):
 * `message_updated` of the same outgoing message with `content_attributes.submitted_values` — `[{title, value}]` for
 * an `input_select` tap, `[{name, value}]` for a `form`. The contract README (from Chatwoot's code) says an array;
 * Chatwoot's swagger documents one object, so both are read. Empty when nothing was submitted.
 */
export interface SubmittedValue {
  name?: string;
  title?: string;
  value?: string;
}
const submittedValueSchema = z.object({ name: z.string().optional(), title: z.string().optional(), value: z.unknown().optional() });

export function submittedValues(m: MessageEvent): SubmittedValue[] {
  const raw = m.content_attributes?.submitted_values;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return list.flatMap((item) => {
    const parsed = submittedValueSchema.safeParse(item);
    if (!parsed.success) return [];
    const { name, title, value } = parsed.data;
    const text = value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
    return title || text ? [{ name, title, value: text }] : [];
  });
}
