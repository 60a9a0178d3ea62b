/**
 * @atrium/connectors/chatwoot: a typed Chatwoot client (agent bot + administration), the webhook/agent-bot event
 * schemas, and signature verification — built from /work/shared/contracts/chatwoot (Chatwoot 4.16.2).
 */
export { ChatwootClient, type ChatwootClientOptions, type CreateMessageInput, type InteractiveContent } from './client';
export { ChatwootError, isChatwootError, parseRetryAfter, type ChatwootErrorCode } from './errors';
export { ChatwootTransport, type RetryPolicy, type RetryMode, type TransportOptions } from './transport';
export {
  verifyChatwootSignature,
  computeChatwootSignature,
  headerValue,
  type HeaderBag,
  type SignatureFailure,
  type SignatureVerdict,
  type VerifySignatureInput,
} from './signature';
export {
  parseChatwootEvent,
  messageAuthor,
  submittedValues,
  eventAccountId,
  eventConversation,
  chatwootEventSchema,
  messageEventSchema,
  conversationEventSchema,
  webwidgetTriggeredSchema,
  typingEventSchema,
  webhookConversationSchema,
  KNOWN_EVENTS,
  type ChatwootEvent,
  type MessageEvent,
  type SubmittedValue,
  type ConversationEvent,
  type WebwidgetTriggeredEvent,
  type TypingEvent,
  type WebhookConversation,
  type ParsedEvent,
  type MessageAuthor,
} from './events';
export {
  conversationStatusSchema,
  type ConversationStatus,
  type ChatwootApiMessage,
  type ChatwootConversation,
  type ChatwootAgentBot,
  type ChatwootAgent,
  type ChatwootWebhook,
  type ChatwootDashboardApp,
  type ChatwootProfile,
} from './schemas';
export { replyIdempotencyKey, isAtriumSourceId } from './idempotency';
