import { randomUUID } from 'node:crypto';
import type { Dispatcher } from './dispatcher';
import {
  conversationCreatedPayload,
  conversationOpenedOrResolvedPayload,
  conversationStatusChangedPayload,
  conversationUpdatedPayload,
  messageEventPayload,
  type ChangedAttributes,
} from './events';
import type { AgentBot, ChatwootState, Contact, Conversation, ConversationStatus, Message, MessageType, User } from './state';

/**
 * Chatwoot's domain rules the bot relies on (README §3): bot inboxes start conversations `pending` and assigned to
 * the bot; a bot's pending→open toggle is `bot_handoff!`; a user opening a conversation takes it over; every change
 * fires the same events, in the same order, as Chatwoot's listeners.
 */
export type Actor = { kind: 'bot'; bot: AgentBot } | { kind: 'user'; user: User } | { kind: 'contact'; contact: Contact };

export interface NewMessage {
  messageType: MessageType;
  content: string | null;
  contentType?: string;
  contentAttributes?: Record<string, unknown>;
  private?: boolean;
  sourceId?: string | null;
}

const isoChange = (prev: number, next: number) => ({
  updated_at: { previous_value: new Date(prev).toISOString(), current_value: new Date(next).toISOString() },
});

export class ChatwootActions {
  constructor(
    private readonly state: ChatwootState,
    private readonly dispatcher: Dispatcher,
  ) {}

  openConversation(inboxId: number, contact: Contact, additionalAttributes: Record<string, unknown> = {}): Conversation {
    const inbox = this.state.inboxes.get(inboxId);
    if (!inbox) throw new Error(`fake chatwoot: no inbox ${inboxId}`);
    const ci = this.state.contactInboxOf(contact.id, inboxId) ?? this.state.createContactInbox(contact, inboxId);
    const bot = this.state.activeInboxBot(inboxId);
    const now = this.state.now();
    const c: Conversation = {
      dbId: this.state.nextId('conversation_db', 1000),
      displayId: this.state.nextId(`display:${inbox.accountId}`, 12),
      accountId: inbox.accountId,
      inboxId,
      contactId: contact.id,
      contactInboxId: ci.id,
      uuid: randomUUID(),
      status: contact.blocked ? 'resolved' : bot ? 'pending' : 'open',
      assigneeId: null,
      assigneeBotId: bot?.id ?? null,
      labels: [],
      customAttributes: {},
      additionalAttributes,
      priority: null,
      snoozedUntil: null,
      waitingSince: now,
      firstReplyCreatedAt: null,
      lastActivityAt: now,
      createdAt: now,
      updatedAt: now,
    };
    this.state.addConversation(c);
    this.dispatcher.emit(c, 'conversation_created', conversationCreatedPayload(this.state, c), 'webhooks');
    return c;
  }

  addMessage(c: Conversation, sender: Actor, input: NewMessage): Message {
    const now = this.state.now();
    const m: Message = {
      id: this.state.nextId('message', 4821),
      accountId: c.accountId,
      inboxId: c.inboxId,
      conversationDbId: c.dbId,
      messageType: input.messageType,
      contentType: input.contentType ?? 'text',
      content: input.content,
      contentAttributes: input.contentAttributes ?? (sender.kind === 'contact' ? { in_reply_to: null } : {}),
      private: input.private ?? false,
      status: 'sent',
      sourceId: input.sourceId ?? null,
      senderType: sender.kind === 'bot' ? 'AgentBot' : sender.kind === 'user' ? 'User' : 'Contact',
      senderId: sender.kind === 'bot' ? sender.bot.id : sender.kind === 'user' ? sender.user.id : sender.contact.id,
      additionalAttributes: {},
      createdAt: now,
      updatedAt: now,
    };
    this.state.addMessage(m);
    c.lastActivityAt = now;
    c.updatedAt = now;
    if (m.messageType === 'incoming') this.reopenOnCustomerMessage(c);
    if (m.messageType === 'outgoing' && !m.private && sender.kind === 'user') c.firstReplyCreatedAt ??= now;
    if (m.messageType === 'outgoing' && !m.private) c.waitingSince = null; // bot and agent replies clear waiting_since
    if (m.messageType !== 'activity') this.dispatcher.emit(c, 'message_created', messageEventPayload(this.state, m, 'message_created'));
    return m;
  }

  /** Incoming message on resolved → pending (bot inbox) or open; snoozed → open (README §3). */
  private reopenOnCustomerMessage(c: Conversation): void {
    if (c.status === 'resolved') {
      const bot = this.state.activeInboxBot(c.inboxId);
      if (bot && c.assigneeId === null) c.assigneeBotId = bot.id;
      this.changeStatus(c, bot ? 'pending' : 'open', null);
    } else if (c.status === 'snoozed') this.changeStatus(c, 'open', null);
    c.waitingSince ??= this.state.now();
  }

  /** Status change + Chatwoot's event sequence; `actor` null means "system". */
  changeStatus(c: Conversation, status: ConversationStatus, actor: Actor | null, snoozedUntil: number | null = null): { success: boolean | null } {
    const previous = { status: c.status, bot: c.assigneeBotId, assignee: c.assigneeId, updatedAt: c.updatedAt };
    const botHandoff = actor?.kind === 'bot' && c.status === 'pending' && status === 'open';
    if (botHandoff && c.waitingSince === null) {
      // bot_handoff! saves waiting_since separately first, which fires its own conversation_updated (README §3)
      c.waitingSince = this.state.now();
      c.updatedAt = Math.max(this.state.now(), previous.updatedAt + 1);
      this.conversationUpdated(c, [{ waiting_since: { previous_value: null, current_value: new Date(c.waitingSince).toISOString() } }], previous.updatedAt);
      previous.updatedAt = c.updatedAt;
    }
    if (status === 'open' && actor?.kind !== 'contact') c.assigneeBotId = null;
    if (status === 'open' && actor?.kind === 'user' && actor.user.role === 'agent' && c.assigneeId === null) c.assigneeId = actor.user.id;
    c.status = status;
    c.snoozedUntil = status === 'snoozed' ? snoozedUntil : null;
    c.updatedAt = Math.max(this.state.now(), previous.updatedAt + 1);
    if (previous.status !== status) {
      if (status === 'open') this.dispatcher.emit(c, 'conversation_opened', conversationOpenedOrResolvedPayload(this.state, c, 'conversation_opened'));
      if (status === 'resolved') this.dispatcher.emit(c, 'conversation_resolved', conversationOpenedOrResolvedPayload(this.state, c, 'conversation_resolved'));
      this.dispatcher.emit(c, 'conversation_status_changed', conversationStatusChangedPayload(this.state, c));
    }
    const changes: ChangedAttributes = [];
    if (previous.bot !== c.assigneeBotId) changes.push({ assignee_agent_bot_id: { previous_value: previous.bot, current_value: c.assigneeBotId } });
    if (previous.assignee !== c.assigneeId) changes.push({ assignee_id: { previous_value: previous.assignee, current_value: c.assigneeId } });
    if (previous.status !== status) changes.push({ status: { previous_value: previous.status, current_value: status } });
    if (changes.length) this.conversationUpdated(c, changes, previous.updatedAt);
    return { success: botHandoff ? null : true };
  }

  conversationUpdated(c: Conversation, changes: ChangedAttributes, previousUpdatedAt: number): void {
    this.dispatcher.emit(c, 'conversation_updated', conversationUpdatedPayload(this.state, c, [...changes, isoChange(previousUpdatedAt, c.updatedAt)]));
  }

  setLabels(c: Conversation, labels: string[]): string[] {
    const next = [...new Set(labels.map((l) => l.toLowerCase()))];
    const previous = c.labels;
    if (JSON.stringify(previous) === JSON.stringify(next)) return next;
    const before = c.updatedAt;
    c.labels = next;
    c.updatedAt = Math.max(this.state.now(), before + 1);
    this.conversationUpdated(c, [{ label_list: { previous_value: previous, current_value: next } }], before);
    return next;
  }

  setCustomAttributes(c: Conversation, attributes: Record<string, unknown>, merge: boolean): Record<string, unknown> {
    const previous = c.customAttributes;
    const before = c.updatedAt;
    c.customAttributes = merge ? { ...previous, ...attributes } : { ...attributes };
    c.updatedAt = Math.max(this.state.now(), before + 1);
    this.conversationUpdated(c, [{ custom_attributes: { previous_value: previous, current_value: c.customAttributes } }], before);
    return c.customAttributes;
  }

  /** A human assignee clears the bot assignee (`reset_agent_bot_when_assignee_present`). */
  assign(c: Conversation, assigneeId: number | null, botId: number | null = null): void {
    const previous = { assignee: c.assigneeId, bot: c.assigneeBotId, updatedAt: c.updatedAt };
    c.assigneeId = botId === null ? assigneeId : null;
    c.assigneeBotId = botId ?? (assigneeId === null ? c.assigneeBotId : null);
    c.updatedAt = Math.max(this.state.now(), previous.updatedAt + 1);
    const changes: ChangedAttributes = [];
    if (previous.assignee !== c.assigneeId) changes.push({ assignee_id: { previous_value: previous.assignee, current_value: c.assigneeId } });
    if (previous.bot !== c.assigneeBotId) changes.push({ assignee_agent_bot_id: { previous_value: previous.bot, current_value: c.assigneeBotId } });
    if (changes.length) this.conversationUpdated(c, changes, previous.updatedAt);
  }

  /**
   * The web widget's reply path for interactive messages (README §2): the visitor taps an `input_select` option or
   * sends a `form`, and Chatwoot stores `submitted_values` on that same outgoing message (`[{title, value}]` /
   * `[{name, value}]`) and fires `message_updated` for it — no incoming message is created.
   */
  submitValues(c: Conversation, m: Message, values: Array<Record<string, string>>): void {
    if (m.messageType !== 'outgoing' || !['input_select', 'form'].includes(m.contentType)) {
      throw new Error(`fake chatwoot: message ${m.id} (${m.messageType}/${m.contentType}) takes no submitted values`);
    }
    m.contentAttributes = { ...m.contentAttributes, submitted_values: values };
    m.updatedAt = this.state.now();
    this.dispatcher.emit(c, 'message_updated', messageEventPayload(this.state, m, 'message_updated'));
  }

  /**
   * The widget's reply path for an `input_email` message (README §2): Chatwoot stores `submitted_email` on that outgoing
   * message, sets the contact's email, and fires `message_updated` for it.
   */
  submitEmail(c: Conversation, m: Message, email: string): void {
    if (m.messageType !== 'outgoing' || m.contentType !== 'input_email') {
      throw new Error(`fake chatwoot: message ${m.id} (${m.messageType}/${m.contentType}) takes no submitted email`);
    }
    m.contentAttributes = { ...m.contentAttributes, submitted_email: email };
    m.updatedAt = this.state.now();
    const contact = this.state.contacts.get(c.contactId);
    if (contact) contact.email = email;
    this.dispatcher.emit(c, 'message_updated', messageEventPayload(this.state, m, 'message_updated'));
  }

  /** README §1.8: a failed bot delivery opens a pending conversation unless the account keeps it pending. */
  botDeliveryFailed(c: Conversation): void {
    if (c.status !== 'pending' || this.state.account(c.accountId)?.keepPendingOnBotFailure) return;
    this.changeStatus(c, 'open', null);
    this.addActivity(c, 'Conversation was marked open by system due to an error with the agent bot.');
  }

  /** Typing events reach account webhooks only, never bots (README §0). */
  emitTyping(c: Conversation, payload: Record<string, unknown>): void {
    this.dispatcher.emit(c, String(payload.event), payload, 'webhooks');
  }

  /** Activity messages are stored but never webhook-sendable. */
  addActivity(c: Conversation, content: string): void {
    const now = this.state.now();
    const id = this.state.nextId('message', 4821);
    this.state.addMessage({
      id,
      accountId: c.accountId,
      inboxId: c.inboxId,
      conversationDbId: c.dbId,
      messageType: 'activity',
      contentType: 'text',
      content,
      contentAttributes: {},
      private: false,
      status: 'sent',
      sourceId: null,
      senderType: null,
      senderId: null,
      additionalAttributes: {},
      createdAt: now,
      updatedAt: now,
    });
  }
}
