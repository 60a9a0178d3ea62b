import { createHash } from 'node:crypto';

/**
 * Keys that make Atrium's writes to Chatwoot repeatable without duplicates. A reply's key is derived only from what
 * identifies the customer message it answers, so a worker that restarts mid-turn computes the same key again.
 * Chatwoot stores it as the message's `source_id` (a string column, ≤ 255 chars — README §7 generic guard).
 */
export function replyIdempotencyKey(scope: {
  integrationId: string;
  conversationId: number;
  inboundMessageId: number;
  kind?: 'reply' | 'handoff_note';
}): string {
  const digest = createHash('sha256')
    .update(`${scope.integrationId}:${scope.conversationId}:${scope.inboundMessageId}:${scope.kind ?? 'reply'}`)
    .digest('base64url')
    .slice(0, 22);
  return `atrium:${scope.kind ?? 'reply'}:${digest}`;
}

/** True for `source_id`s Atrium wrote: lets event handlers recognise the bot's own messages coming back. */
export function isAtriumSourceId(sourceId: string | null | undefined): boolean {
  return typeof sourceId === 'string' && sourceId.startsWith('atrium:');
}
