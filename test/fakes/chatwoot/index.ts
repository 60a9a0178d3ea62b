import type { Server } from 'node:http';
import { accountRoutes } from './account-routes';
import { ChatwootActions } from './actions';
import { loadChatwootContract } from './contract';
import type { DeliveryOptions, DeliveryRecord, DeliveryTarget } from './deliveries';
import { startSenderThread } from './sender-thread';
import { Dispatcher } from './dispatcher';
import { messageEventPayload, webwidgetTriggeredPayload, type WidgetEventInfo } from './events';
import { conversationRoutes } from './conversation-routes';
import { FaultInjector, type FaultOptions } from './faults';
import { createHttpFront, type RecordedRequest } from './server';
import { ChatwootState, secureToken, type AgentBot, type Contact, type Conversation, type Inbox, type Message, type User } from './state';

/**
 * A contract-faithful Chatwoot for tests and benchmarks (see /work/shared/contracts/chatwoot/README.md).
 * `startFakeChatwoot()` seeds account 1 "Acme Support", a web-widget inbox 3 "Website Chat", an administrator and an
 * agent; `connectBot()` creates the account bot that sends deliveries to Atrium. Test drivers (`customerWrites`,
 * `agentWrites`, `agentTakesOver`, …) produce the same records and events Chatwoot would.
 */
export interface FakeChatwootOptions {
  faults?: FaultOptions;
  /** delivery timeout (Chatwoot's WEBHOOK_TIMEOUT, default 5 s) */
  webhookTimeoutMs?: number;
  /** delay between bot-delivery retries on 429/500 (Chatwoot: 3 s); tests shorten it */
  botRetryDelayMs?: number;
  /** validate every response against swagger (the bench turns this off to save CPU) */
  checkResponses?: boolean;
  /** send deliveries from a worker thread of their own (sender-thread.ts), as the bench does to time acknowledgements */
  senderThread?: boolean;
  /** seats for POST /agents before 402 */
  agentSeatLimit?: number;
  now?: () => number;
}

export interface FakeChatwoot {
  url: string;
  state: ChatwootState;
  account: { id: number; name: string };
  inbox: Inbox;
  admin: User;
  agent: User;
  requests: RecordedRequest[];
  deliveries: DeliveryRecord[];
  faults: FaultInjector;
  /** create the agent bot (outgoing_url = Atrium) and attach it to the default inbox */
  connectBot(outgoingUrl: string, options?: { secret?: string | null; inboxIds?: number[] }): AgentBot;
  addInbox(name: string, channelType?: string): Inbox;
  addContact(input?: Partial<Pick<Contact, 'name' | 'email'>>): Contact;
  /** a customer writes in the widget: creates the conversation on first message; fires message_created */
  customerWrites(
    content: string,
    options?: { conversation?: Conversation; contact?: Contact; inboxId?: number; additionalAttributes?: Record<string, unknown> },
  ): { conversation: Conversation; message: Message };
  /** the visitor taps an option of / submits an interactive message in the widget (`message_updated`, README §2) */
  customerSubmits(conversation: Conversation, message: Message, values: Array<Record<string, string>>): void;
  /** the visitor enters an email address into an `input_email` message in the widget */
  customerSubmitsEmail(conversation: Conversation, message: Message, email: string): void;
  /** a human agent replies (or writes a private note) in the dashboard */
  agentWrites(conversation: Conversation, content: string, options?: { private?: boolean; user?: User }): Message;
  /** a human agent takes the conversation (assign + open), as from the UI */
  agentTakesOver(conversation: Conversation, user?: User): void;
  setStatus(conversation: Conversation, status: Conversation['status'], user?: User): void;
  /** assign a human (or nobody, with null) from the dashboard */
  assign(conversation: Conversation, userId: number | null): void;
  widgetOpened(contact: Contact, info?: WidgetEventInfo, inboxId?: number): Promise<DeliveryRecord[]>;
  /** messages of a conversation, oldest first */
  messagesOf(conversation: Conversation): Message[];
  botTarget(bot: AgentBot): DeliveryTarget;
  /** one hand-made delivery of `message_created` for `message` (tampering options for signature/replay tests) */
  deliverMessage(message: Message, target: DeliveryTarget, options?: DeliveryOptions): Promise<DeliveryRecord>;
  send(target: DeliveryTarget, event: string, payload: unknown, options?: DeliveryOptions): Promise<DeliveryRecord>;
  /** stop/start automatic deliveries (events are still built) */
  pauseDeliveries(paused: boolean): void;
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeChatwoot(options: FakeChatwootOptions = {}): Promise<FakeChatwoot> {
  const state = new ChatwootState(options.now);
  const contract = loadChatwootContract();
  // eslint-disable-next-line prefer-const -- the dispatcher needs a late-bound reference to the actions built from it
  let actions!: ChatwootActions;
  const senders = options.senderThread ? await startSenderThread() : undefined;
  const dispatcher = new Dispatcher(state, {
    ...(senders ? { attempt: senders.attempt } : {}),
    timeoutMs: options.webhookTimeoutMs ?? 5_000,
    botRetryDelayMs: options.botRetryDelayMs ?? 3_000,
    onBotFailure: (c) => actions.botDeliveryFailed(c),
  });
  actions = new ChatwootActions(state, dispatcher);
  const faults = new FaultInjector(options.faults);
  const requests: RecordedRequest[] = [];
  const front = createHttpFront({
    contract,
    faults,
    checkResponses: options.checkResponses ?? true,
    ctx: { state, actions },
    routes: [...conversationRoutes, ...accountRoutes(() => options.agentSeatLimit ?? Number.POSITIVE_INFINITY)],
    onRequest: (r) => requests.push(r),
  });
  const url = await front.listen();

  const account = { id: 1, name: 'Acme Support', keepPendingOnBotFailure: false };
  state.accounts.set(account.id, account);
  const addInbox = (name: string, channelType = 'Channel::WebWidget'): Inbox => {
    const inbox = { id: state.nextId('inbox', 3), accountId: account.id, name, channelType };
    state.inboxes.set(inbox.id, inbox);
    return inbox;
  };
  const addUser = (name: string, email: string, role: User['role']): User => {
    const user: User = {
      id: state.nextId('user', 100),
      accountId: account.id,
      name,
      email,
      role,
      availability: 'online',
      autoOffline: true,
      accessToken: secureToken(),
      confirmed: true,
    };
    state.users.set(user.id, user);
    return user;
  };
  const inbox = addInbox('Website Chat');
  const admin = addUser('Ada Admin', 'ada@acme.test', 'administrator');
  const agent = addUser('Sam Agent', 'sam@acme.test', 'agent');

  const addContact = (input: Partial<Pick<Contact, 'name' | 'email'>> = {}): Contact => {
    const id = state.nextId('contact', 57);
    const contact: Contact = {
      id,
      accountId: account.id,
      name: input.name ?? `Customer ${id}`,
      email: input.email ?? `customer${id}@example.com`,
      phoneNumber: null,
      identifier: null,
      blocked: false,
      customAttributes: {},
    };
    state.contacts.set(id, contact);
    return contact;
  };

  const botTarget = (bot: AgentBot): DeliveryTarget => ({ kind: 'agent_bot', url: bot.outgoingUrl, secret: bot.secret || null, ownerId: bot.id });

  return {
    url,
    state,
    account,
    inbox,
    admin,
    agent,
    requests,
    deliveries: dispatcher.deliveries,
    faults,
    addInbox,
    addContact,
    botTarget,
    connectBot(outgoingUrl, opts = {}) {
      const bot: AgentBot = {
        id: state.nextId('agent_bot', 2),
        accountId: account.id,
        name: 'AI Orchestrator',
        description: '',
        outgoingUrl,
        botConfig: {},
        accessToken: secureToken(),
        secret: opts.secret === undefined ? secureToken() : (opts.secret ?? ''),
      };
      state.agentBots.set(bot.id, bot);
      for (const inboxId of opts.inboxIds ?? [inbox.id]) state.agentBotInboxes.set(inboxId, { inboxId, agentBotId: bot.id, status: 'active' });
      return bot;
    },
    customerWrites(content, opts = {}) {
      const contact = opts.contact ?? (opts.conversation ? state.contacts.get(opts.conversation.contactId)! : addContact());
      const conversation = opts.conversation ?? actions.openConversation(opts.inboxId ?? inbox.id, contact, opts.additionalAttributes);
      const message = actions.addMessage(conversation, { kind: 'contact', contact }, { messageType: 'incoming', content });
      return { conversation, message };
    },
    customerSubmits(conversation, message, values) {
      actions.submitValues(conversation, message, values);
    },
    customerSubmitsEmail(conversation, message, email) {
      actions.submitEmail(conversation, message, email);
    },
    agentWrites(conversation, content, opts = {}) {
      return actions.addMessage(conversation, { kind: 'user', user: opts.user ?? agent }, { messageType: 'outgoing', content, private: opts.private ?? false });
    },
    agentTakesOver(conversation, user = agent) {
      actions.assign(conversation, user.id);
      if (conversation.status !== 'open') actions.changeStatus(conversation, 'open', { kind: 'user', user });
    },
    setStatus(conversation, status, user = agent) {
      actions.changeStatus(conversation, status, { kind: 'user', user });
    },
    assign(conversation, userId) {
      actions.assign(conversation, userId);
    },
    async widgetOpened(contact, info, inboxId = inbox.id) {
      const ci = state.contactInboxOf(contact.id, inboxId) ?? state.createContactInbox(contact, inboxId);
      const current = [...state.conversations.values()].filter((c) => c.contactInboxId === ci.id).at(-1) ?? null;
      const bot = state.activeInboxBot(inboxId); // webwidget_triggered goes to the inbox bot only
      const payload = webwidgetTriggeredPayload(state, ci, current, info);
      const targets = [...(bot ? [botTarget(bot)] : []), ...dispatcher.webhookTargets(account.id, 'webwidget_triggered')];
      return Promise.all(targets.map((t) => dispatcher.send(t, 'webwidget_triggered', payload)));
    },
    messagesOf: (conversation) => state.conversationMessages(conversation),
    deliverMessage: (message, target, opts) => dispatcher.send(target, 'message_created', messageEventPayload(state, message, 'message_created'), opts),
    send: (target, event, payload, opts) => dispatcher.send(target, event, payload, opts),
    pauseDeliveries(paused) {
      dispatcher.enabled = !paused;
    },
    settle: () => dispatcher.settle(),
    close: () => Promise.all([closeServer(front.server), senders?.close()]).then(() => undefined),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export { railsJson, chatwootSignature } from './deliveries';
export type { DeliveryRecord, DeliveryTarget, DeliveryOptions } from './deliveries';
export type { RecordedRequest } from './server';
export type { AgentBot, Contact, Conversation, Inbox, Message, User } from './state';
export { swaggerDeviations } from './contract';
