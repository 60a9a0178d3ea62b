import { randomBytes, randomUUID } from 'node:crypto';

/**
 * In-memory Chatwoot records, shaped after the columns the contract README names (§1.1, §1.6). Two id spaces, as in
 * Chatwoot: conversations are addressed by their per-account `displayId`; messages, contacts and users by DB ids.
 */
export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export type MessageType = 'incoming' | 'outgoing' | 'activity' | 'template';
export const MESSAGE_TYPE_CODES: Record<MessageType, number> = { incoming: 0, outgoing: 1, activity: 2, template: 3 };

export interface Account {
  id: number;
  name: string;
  keepPendingOnBotFailure: boolean;
}
export interface Inbox {
  id: number;
  accountId: number;
  name: string;
  channelType: string;
}
export interface AgentBot {
  id: number;
  accountId: number | null;
  name: string;
  description: string;
  outgoingUrl: string;
  botConfig: Record<string, unknown>;
  accessToken: string;
  secret: string;
}
export interface AgentBotInbox {
  inboxId: number;
  agentBotId: number;
  status: 'active' | 'inactive';
}
export interface User {
  id: number;
  accountId: number;
  name: string;
  email: string;
  role: 'agent' | 'administrator';
  availability: 'online' | 'busy' | 'offline';
  autoOffline: boolean;
  accessToken: string;
  confirmed: boolean;
}
export interface Contact {
  id: number;
  accountId: number;
  name: string;
  email: string | null;
  phoneNumber: string | null;
  identifier: string | null;
  blocked: boolean;
  customAttributes: Record<string, unknown>;
}
export interface ContactInbox {
  id: number;
  contactId: number;
  inboxId: number;
  sourceId: string;
  createdAt: number;
  pubsubToken: string;
}
export interface Conversation {
  dbId: number;
  displayId: number;
  accountId: number;
  inboxId: number;
  contactId: number;
  contactInboxId: number;
  uuid: string;
  status: ConversationStatus;
  assigneeId: number | null;
  assigneeBotId: number | null;
  labels: string[];
  customAttributes: Record<string, unknown>;
  additionalAttributes: Record<string, unknown>;
  priority: 'low' | 'medium' | 'high' | 'urgent' | null;
  snoozedUntil: number | null;
  /** ms timestamps */
  waitingSince: number | null;
  firstReplyCreatedAt: number | null;
  lastActivityAt: number;
  createdAt: number;
  updatedAt: number;
}
export interface Message {
  id: number;
  accountId: number;
  inboxId: number;
  conversationDbId: number;
  messageType: MessageType;
  contentType: string;
  content: string | null;
  contentAttributes: Record<string, unknown>;
  private: boolean;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  sourceId: string | null;
  senderType: 'Contact' | 'User' | 'AgentBot' | null;
  senderId: number | null;
  additionalAttributes: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}
export interface AccountWebhook {
  id: number;
  accountId: number;
  name: string;
  url: string;
  subscriptions: string[];
  secret: string;
  inboxId: number | null;
}
export interface DashboardApp {
  id: number;
  accountId: number;
  title: string;
  content: Array<{ type: 'frame'; url: string }>;
  createdAt: number;
}
export interface PlatformApp {
  token: string;
}

/** Rails `has_secure_token`-style value: 24 base58 characters (README §1.1). */
export function secureToken(): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  return Array.from(randomBytes(24), (b) => alphabet[b % alphabet.length]).join('');
}

export class ChatwootState {
  private seq = new Map<string, number>();
  readonly accounts = new Map<number, Account>();
  readonly inboxes = new Map<number, Inbox>();
  readonly agentBots = new Map<number, AgentBot>();
  readonly agentBotInboxes = new Map<number, AgentBotInbox>();
  readonly users = new Map<number, User>();
  readonly contacts = new Map<number, Contact>();
  readonly contactInboxes = new Map<number, ContactInbox>();
  readonly conversations = new Map<number, Conversation>();
  readonly messages = new Map<number, Message>();
  readonly webhooks = new Map<number, AccountWebhook>();
  readonly dashboardApps = new Map<number, DashboardApp>();

  // Indexes keep every look-up O(1): the benchmark drives thousands of conversations through one fake.
  private readonly byConversation = new Map<number, Message[]>();
  private readonly byDisplayId = new Map<string, Conversation>();
  private readonly byContactInbox = new Map<string, ContactInbox>();

  constructor(readonly now: () => number = Date.now) {}

  addConversation(c: Conversation): void {
    this.conversations.set(c.dbId, c);
    this.byDisplayId.set(`${c.accountId}:${c.displayId}`, c);
  }

  deleteConversation(c: Conversation): void {
    for (const m of this.conversationMessages(c)) this.messages.delete(m.id);
    this.byConversation.delete(c.dbId);
    this.byDisplayId.delete(`${c.accountId}:${c.displayId}`);
    this.conversations.delete(c.dbId);
  }

  addMessage(m: Message): void {
    this.messages.set(m.id, m);
    const list = this.byConversation.get(m.conversationDbId);
    if (list) list.push(m);
    else this.byConversation.set(m.conversationDbId, [m]);
  }

  contactInboxOf(contactId: number, inboxId: number): ContactInbox | undefined {
    return this.byContactInbox.get(`${contactId}:${inboxId}`);
  }

  nextId(kind: string, start = 1): number {
    const next = (this.seq.get(kind) ?? start - 1) + 1;
    this.seq.set(kind, next);
    return next;
  }

  account(id: number): Account | undefined {
    return this.accounts.get(id);
  }

  conversationByDisplayId(accountId: number, displayId: number): Conversation | undefined {
    return this.byDisplayId.get(`${accountId}:${displayId}`);
  }

  /** oldest first (a copy: callers may filter or sort it) */
  conversationMessages(c: Conversation): Message[] {
    return [...(this.byConversation.get(c.dbId) ?? [])];
  }

  /** Last non-activity, non-private message: what Chatwoot puts in conversation `messages` (README §1.6). */
  lastPublicMessage(c: Conversation): Message | undefined {
    return this.conversationMessages(c)
      .filter((m) => m.messageType !== 'activity' && !m.private)
      .at(-1);
  }

  userByToken(token: string): User | undefined {
    for (const u of this.users.values()) if (u.accessToken === token) return u;
    return undefined;
  }

  botByToken(token: string): AgentBot | undefined {
    for (const b of this.agentBots.values()) if (b.accessToken === token) return b;
    return undefined;
  }

  /** The inbox's bot if its agent_bot_inbox row is active (`Inbox#active_bot?`). */
  activeInboxBot(inboxId: number): AgentBot | undefined {
    const link = this.agentBotInboxes.get(inboxId);
    return link?.status === 'active' ? this.agentBots.get(link.agentBotId) : undefined;
  }

  /** README §2: a bot may act in account X if it belongs to X or is connected to an inbox of X. */
  botMayAccessAccount(bot: AgentBot, accountId: number): boolean {
    if (bot.accountId === accountId) return true;
    for (const link of this.agentBotInboxes.values()) {
      if (link.agentBotId === bot.id && this.inboxes.get(link.inboxId)?.accountId === accountId) return true;
    }
    return false;
  }

  createContactInbox(contact: Contact, inboxId: number): ContactInbox {
    const ci: ContactInbox = {
      id: this.nextId('contact_inbox', 61),
      contactId: contact.id,
      inboxId,
      sourceId: randomUUID(),
      createdAt: this.now(),
      pubsubToken: secureToken(),
    };
    this.contactInboxes.set(ci.id, ci);
    this.byContactInbox.set(`${contact.id}:${inboxId}`, ci);
    return ci;
  }
}
