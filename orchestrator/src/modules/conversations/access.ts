import { notFound } from '../../platform/errors';
import type { Principal, TenantContext } from '../../platform/http/context';
import type { ConversationRow } from './conversation-store';

/**
 * Who a conversation (and a memory) belongs to. A user is their IdP subject. An API key usually fronts
 * many end users, so the OpenAI `user` field it sends narrows the owner to `key:<id>#<user>`; without it,
 * everything the key does belongs to the key.
 */
export function ownerRefOf(principal: Principal, endUser?: string | null): string {
  const user = endUser?.trim();
  return principal.kind === 'api_key' && user ? `${principal.subject}#${user.slice(0, 200)}` : principal.subject;
}

/** Staff (admins, agents, approvers, viewers) see every conversation of the tenant; others only their own. */
export const READ_ALL = 'conversations:read_all';
export const MANAGE_ALL = 'conversations:manage';

export function seesAll(ctx: TenantContext): boolean {
  return ctx.services.authz.can(ctx.principal, READ_ALL, ctx.tenant);
}

/** Someone else's conversation answers 404, not 403: its existence is not the caller's business. */
export function assertVisible(ctx: TenantContext, conversation: ConversationRow | null, endUser?: string | null): ConversationRow {
  if (!conversation) throw notFound('Conversation');
  if (seesAll(ctx) || conversation.user_subject === ownerRefOf(ctx.principal, endUser)) return conversation;
  throw notFound('Conversation');
}

export function assertManageable(ctx: TenantContext, conversation: ConversationRow | null, endUser?: string | null): ConversationRow {
  const visible = assertVisible(ctx, conversation, endUser);
  if (visible.user_subject === ownerRefOf(ctx.principal, endUser) || ctx.services.authz.can(ctx.principal, MANAGE_ALL, ctx.tenant)) return visible;
  throw notFound('Conversation');
}
