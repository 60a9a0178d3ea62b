import { MESSAGE_TYPE_CODES, type AgentBot, type ChatwootState, type Contact, type ContactInbox, type Conversation, type Message, type User } from './state';

/**
 * Chatwoot's serializers as the contract README describes them (§1.6, §2), key for key and in the same order as
 * the derived examples. Times: webhook ISO strings carry milliseconds; "push" formats use unix seconds.
 */
type Json = Record<string, unknown>;

const iso = (ms: number) => new Date(ms).toISOString();
const unix = (ms: number) => Math.floor(ms / 1000);
/** `updated_at` of a conversation is a float of unix seconds (Rails `to_f`). */
const unixFloat = (ms: number) => Number((ms / 1000).toFixed(6));

export function accountRef(state: ChatwootState, accountId: number): Json {
  return { id: accountId, name: state.account(accountId)?.name ?? '' };
}

export function contactWebhookData(state: ChatwootState, c: Contact): Json {
  return {
    account: accountRef(state, c.accountId),
    additional_attributes: {},
    avatar: '',
    custom_attributes: c.customAttributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phoneNumber,
    thumbnail: '',
    blocked: c.blocked,
  };
}

export function contactPushData(c: Contact): Json {
  return {
    additional_attributes: {},
    custom_attributes: c.customAttributes,
    email: c.email,
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    phone_number: c.phoneNumber,
    thumbnail: '',
    blocked: c.blocked,
    type: 'contact',
  };
}

export const userWebhookData = (u: User): Json => ({ id: u.id, name: u.name, email: u.email, type: 'user' });
export const userPushData = (u: User): Json => ({
  id: u.id,
  name: u.name,
  available_name: u.name,
  avatar_url: '',
  type: 'user',
  availability_status: u.availability,
  thumbnail: '',
});
export const botWebhookData = (b: AgentBot): Json => ({ id: b.id, name: b.name, type: 'agent_bot' });
export const botPushData = (b: AgentBot): Json => ({ id: b.id, name: b.name, avatar_url: '', type: 'agent_bot' });

function senderPushData(state: ChatwootState, m: Message): Json | null {
  if (m.senderType === 'Contact') {
    const c = state.contacts.get(m.senderId ?? -1);
    return c ? contactPushData(c) : null;
  }
  if (m.senderType === 'User') {
    const u = state.users.get(m.senderId ?? -1);
    return u ? userPushData(u) : null;
  }
  if (m.senderType === 'AgentBot') {
    const b = state.agentBots.get(m.senderId ?? -1);
    return b ? botPushData(b) : null;
  }
  return null;
}

function senderWebhookData(state: ChatwootState, m: Message): Json | null {
  if (m.senderType === 'Contact') {
    const c = state.contacts.get(m.senderId ?? -1);
    return c ? contactWebhookData(state, c) : null;
  }
  if (m.senderType === 'User') {
    const u = state.users.get(m.senderId ?? -1);
    return u ? userWebhookData(u) : null;
  }
  if (m.senderType === 'AgentBot') {
    const b = state.agentBots.get(m.senderId ?? -1);
    return b ? botWebhookData(b) : null;
  }
  return null;
}

function conversationOf(state: ChatwootState, m: Message): Conversation {
  const c = state.conversations.get(m.conversationDbId);
  if (!c) throw new Error(`fake chatwoot: message ${m.id} has no conversation`);
  return c;
}

/** `Message#push_event_data`: every column, integer message_type, display id as conversation_id. */
export function messagePushData(state: ChatwootState, m: Message): Json {
  const c = conversationOf(state, m);
  const ci = state.contactInboxes.get(c.contactInboxId);
  return {
    id: m.id,
    content: m.content,
    account_id: m.accountId,
    inbox_id: m.inboxId,
    conversation_id: c.displayId,
    message_type: MESSAGE_TYPE_CODES[m.messageType],
    created_at: unix(m.createdAt),
    updated_at: iso(m.updatedAt),
    private: m.private,
    status: m.status,
    source_id: m.sourceId,
    content_type: m.contentType,
    content_attributes: m.contentAttributes,
    sender_type: m.senderType,
    sender_id: m.senderId,
    external_source_ids: {},
    additional_attributes: m.additionalAttributes,
    processed_message_content: m.content,
    sentiment: {},
    conversation: {
      assignee_id: c.assigneeId,
      unread_count: unreadCount(state, c),
      last_activity_at: unix(c.lastActivityAt),
      contact_inbox: { source_id: ci?.sourceId ?? null },
    },
    sender: senderPushData(state, m),
  };
}

function unreadCount(state: ChatwootState, c: Conversation): number {
  return Math.min(10, state.conversationMessages(c).filter((m) => m.messageType === 'incoming').length);
}

function assigneeMeta(state: ChatwootState, c: Conversation): { assignee: Json | null; assignee_type: string | null } {
  const user = c.assigneeId === null ? undefined : state.users.get(c.assigneeId);
  if (user) return { assignee: userPushData(user), assignee_type: 'User' };
  const bot = c.assigneeBotId === null ? undefined : state.agentBots.get(c.assigneeBotId);
  if (bot) return { assignee: botPushData(bot), assignee_type: 'AgentBot' };
  return { assignee: null, assignee_type: null };
}

export function contactInboxRow(ci: ContactInbox): Json {
  return {
    id: ci.id,
    contact_id: ci.contactId,
    inbox_id: ci.inboxId,
    source_id: ci.sourceId,
    created_at: iso(ci.createdAt),
    updated_at: iso(ci.createdAt),
    hmac_verified: false,
    pubsub_token: ci.pubsubToken,
  };
}

/** `Conversations::EventDataPresenter#push_data` + account (README §1.6). */
export function conversationWebhookData(state: ChatwootState, c: Conversation): Json {
  const contact = state.contacts.get(c.contactId);
  const ci = state.contactInboxes.get(c.contactInboxId);
  const inbox = state.inboxes.get(c.inboxId);
  const last = state.lastPublicMessage(c);
  return {
    additional_attributes: c.additionalAttributes,
    can_reply: true,
    channel: inbox?.channelType ?? 'Channel::Api',
    contact_inbox: ci ? contactInboxRow(ci) : null,
    id: c.displayId,
    inbox_id: c.inboxId,
    messages: last ? [messagePushData(state, last)] : [],
    labels: [...c.labels],
    meta: {
      sender: contact ? contactPushData(contact) : null,
      ...assigneeMeta(state, c),
      team: null,
      hmac_verified: false,
    },
    status: c.status,
    custom_attributes: { ...c.customAttributes },
    snoozed_until: c.snoozedUntil,
    unread_count: unreadCount(state, c),
    first_reply_created_at: c.firstReplyCreatedAt === null ? null : iso(c.firstReplyCreatedAt),
    priority: c.priority,
    waiting_since: c.waitingSince === null ? 0 : unix(c.waitingSince),
    agent_last_seen_at: 0,
    contact_last_seen_at: 0,
    last_activity_at: unix(c.lastActivityAt),
    timestamp: unix(c.lastActivityAt),
    created_at: unix(c.createdAt),
    updated_at: unixFloat(c.updatedAt),
    account: accountRef(state, c.accountId),
  };
}

/** `Message#webhook_data` (README §1.6, example §1.7). */
export function messageWebhookData(state: ChatwootState, m: Message): Json {
  const c = conversationOf(state, m);
  const inbox = state.inboxes.get(m.inboxId);
  return {
    account: accountRef(state, m.accountId),
    additional_attributes: m.additionalAttributes,
    content_attributes: m.contentAttributes,
    content_type: m.contentType,
    content: normalizeContent(m.content),
    conversation: conversationWebhookData(state, c),
    created_at: iso(m.createdAt),
    id: m.id,
    inbox: { id: m.inboxId, name: inbox?.name ?? '' },
    message_type: m.messageType,
    private: m.private,
    sender: senderWebhookData(state, m),
    source_id: m.sourceId,
  };
}

/** CommonMark hard break "\\\n" → "\n", trailing newlines stripped (README §1.6). */
function normalizeContent(content: string | null): string | null {
  return content === null ? null : content.replaceAll('\\\n', '\n').replace(/\n+$/, '');
}

export function contactInboxWebhookData(state: ChatwootState, ci: ContactInbox, current: Conversation | null): Json {
  const contact = state.contacts.get(ci.contactId);
  const inbox = state.inboxes.get(ci.inboxId);
  const accountId = inbox?.accountId ?? 0;
  return {
    id: ci.id,
    contact: contact ? contactWebhookData(state, contact) : null,
    inbox: { id: ci.inboxId, name: inbox?.name ?? '' },
    account: accountRef(state, accountId),
    current_conversation: current ? conversationWebhookData(state, current) : null,
    source_id: ci.sourceId,
  };
}

/** `api/v1/models/_message.json.jbuilder`: the messages API response (README §2). */
export function messageApiResponse(state: ChatwootState, m: Message, echoId?: string): Json {
  const c = conversationOf(state, m);
  return {
    id: m.id,
    content: m.content,
    inbox_id: m.inboxId,
    ...(echoId === undefined ? {} : { echo_id: echoId }),
    conversation_id: c.displayId,
    message_type: MESSAGE_TYPE_CODES[m.messageType],
    content_type: m.contentType,
    status: m.status,
    content_attributes: m.contentAttributes,
    created_at: unix(m.createdAt),
    private: m.private,
    source_id: m.sourceId,
    sender: senderPushData(state, m),
  };
}

/** `conversations/partials/_conversation.json.jbuilder`: GET conversation. */
export function conversationShow(state: ChatwootState, c: Conversation): Json {
  const contact = state.contacts.get(c.contactId);
  const inbox = state.inboxes.get(c.inboxId);
  const assignee = c.assigneeId === null ? undefined : state.users.get(c.assigneeId);
  const all = state.conversationMessages(c);
  const last = all.at(-1);
  const lastNonActivity = all.filter((m) => m.messageType !== 'activity').at(-1);
  return {
    meta: {
      sender: contact ? contactPushData(contact) : {},
      channel: inbox?.channelType ?? 'Channel::Api',
      ...(assignee ? { assignee: agentJson(assignee) } : {}),
      hmac_verified: false,
    },
    id: c.displayId,
    messages: last ? [messagePushData(state, last)] : [],
    account_id: c.accountId,
    uuid: c.uuid,
    additional_attributes: c.additionalAttributes,
    agent_last_seen_at: 0,
    assignee_last_seen_at: 0,
    can_reply: true,
    contact_last_seen_at: 0,
    custom_attributes: { ...c.customAttributes },
    inbox_id: c.inboxId,
    labels: [...c.labels],
    muted: false,
    snoozed_until: c.snoozedUntil,
    status: c.status,
    created_at: unix(c.createdAt),
    timestamp: unix(c.lastActivityAt),
    first_reply_created_at: c.firstReplyCreatedAt === null ? 0 : unix(c.firstReplyCreatedAt),
    unread_count: unreadCount(state, c),
    last_non_activity_message: lastNonActivity ? messagePushData(state, lastNonActivity) : null,
    last_activity_at: unix(c.lastActivityAt),
    priority: c.priority,
    waiting_since: c.waitingSince === null ? 0 : unix(c.waitingSince),
    sla_policy_id: null,
  };
}

/** `api/v1/models/_agent.json.jbuilder`. */
export function agentJson(u: User): Json {
  return {
    id: u.id,
    account_id: u.accountId,
    availability_status: u.availability,
    auto_offline: u.autoOffline,
    confirmed: u.confirmed,
    email: u.email,
    provider: 'email',
    available_name: u.name,
    name: u.name,
    role: u.role,
    thumbnail: '',
  };
}

/** agent_bot JSON (README §1.2); token and secret only for an administrator of the bot's own account. */
export function agentBotJson(b: AgentBot, viewerIsAdminOfAccount: number | null): Json {
  const own = b.accountId !== null && b.accountId === viewerIsAdminOfAccount;
  return {
    id: b.id,
    name: b.name,
    description: b.description,
    thumbnail: '',
    ...(b.accountId === null ? {} : { outgoing_url: b.outgoingUrl }),
    bot_type: 'webhook',
    bot_config: b.botConfig,
    account_id: b.accountId,
    ...(own ? { access_token: b.accessToken, secret: b.secret } : {}),
    system_bot: b.accountId === null,
  };
}
