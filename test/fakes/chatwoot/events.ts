import { contactInboxWebhookData, conversationWebhookData, messageWebhookData } from './serializers';
import type { ChatwootState, ContactInbox, Conversation, Message } from './state';

/**
 * Event payload builders (README §1.5, §4): body = the model's `webhook_data` + `"event"` (+ `changed_attributes`).
 * Pure functions of the fake's state, so the contract test can compare each against the derived examples.
 */
type Json = Record<string, unknown>;
export type ChangedAttributes = Array<Record<string, { previous_value: unknown; current_value: unknown }>>;

export const BOT_EVENTS = [
  'message_created',
  'message_updated',
  'conversation_opened',
  'conversation_resolved',
  'conversation_status_changed',
  'conversation_updated',
  'webwidget_triggered',
] as const;
export const ACCOUNT_WEBHOOK_EVENTS = [
  'conversation_created',
  'conversation_status_changed',
  'conversation_updated',
  'contact_created',
  'contact_updated',
  'message_created',
  'message_updated',
  'webwidget_triggered',
  'inbox_created',
  'inbox_updated',
  'conversation_typing_on',
  'conversation_typing_off',
] as const;

export function messageEventPayload(state: ChatwootState, m: Message, event: 'message_created' | 'message_updated'): Json {
  return { ...messageWebhookData(state, m), event };
}

export function conversationCreatedPayload(state: ChatwootState, c: Conversation): Json {
  return { ...conversationWebhookData(state, c), event: 'conversation_created' };
}

export function conversationOpenedOrResolvedPayload(state: ChatwootState, c: Conversation, event: 'conversation_opened' | 'conversation_resolved'): Json {
  return { ...conversationWebhookData(state, c), event };
}

/** Under Rails 7.1 dirty tracking `status_change` is nil in the after-commit callback → `null` (README §1.5). */
export function conversationStatusChangedPayload(state: ChatwootState, c: Conversation): Json {
  return { ...conversationWebhookData(state, c), event: 'conversation_status_changed', changed_attributes: null };
}

export function conversationUpdatedPayload(state: ChatwootState, c: Conversation, changes: ChangedAttributes): Json {
  return { ...conversationWebhookData(state, c), event: 'conversation_updated', changed_attributes: changes.length ? changes : null };
}

export interface WidgetEventInfo {
  referer?: string;
  widgetLanguage?: string;
  browserLanguage?: string;
}

/** `contact_inbox.webhook_data` + event + event_info; `initiated_at.timestamp` is a JS `Date.toString()`. */
export function webwidgetTriggeredPayload(state: ChatwootState, ci: ContactInbox, current: Conversation | null, info: WidgetEventInfo = {}): Json {
  return {
    ...contactInboxWebhookData(state, ci, current),
    event: 'webwidget_triggered',
    event_info: {
      initiated_at: { timestamp: new Date(state.now()).toString() },
      referer: info.referer ?? 'https://www.example.com/',
      widget_language: info.widgetLanguage ?? 'en',
      browser_language: info.browserLanguage ?? 'en',
      browser: {
        browser_name: 'Chrome',
        browser_version: '126.0.0.0',
        device_name: 'Unknown',
        platform_name: 'macOS',
        platform_version: '10.15.7',
      },
    },
  };
}

/** Typing events go to account webhooks only: `{event, user, conversation, is_private}` (README §4). */
export function typingPayload(state: ChatwootState, c: Conversation, user: Json, on: boolean, isPrivate: boolean): Json {
  return {
    event: on ? 'conversation_typing_on' : 'conversation_typing_off',
    user,
    conversation: conversationWebhookData(state, c),
    is_private: isPrivate,
  };
}
