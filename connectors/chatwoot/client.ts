import { z } from 'zod';
import { ChatwootError } from './errors';
import {
  agentBotSchema,
  agentSchema,
  apiMessageSchema,
  conversationSchema,
  customAttributesResponseSchema,
  dashboardAppSchema,
  emptyResponseSchema,
  labelsResponseSchema,
  messagesPageSchema,
  profileSchema,
  toggleStatusResponseSchema,
  webhookCreateResponseSchema,
  webhookListResponseSchema,
  type ChatwootApiMessage,
  type ChatwootConversation,
  type ConversationStatus,
} from './schemas';
import { ChatwootTransport, type TransportOptions } from './transport';

/**
 * Typed client for the Chatwoot endpoints Atrium uses. With a bot token only the allow-listed calls work
 * (conversation show/toggles/custom attributes/assignments/labels, message create — README §0); the rest need an
 * administrator user token. Conversation ids are display ids.
 */
export interface ChatwootClientOptions extends Omit<TransportOptions, 'baseUrl'> {
  baseUrl: string;
  accountId: number;
}

export type InteractiveContent =
  | { type: 'text' }
  | { type: 'input_select'; items: Array<{ title: string; value: string }> }
  | { type: 'article'; items: Array<{ title: string; description?: string; link: string }> };

export interface CreateMessageInput {
  content: string;
  private?: boolean;
  interactive?: InteractiveContent;
  /** echoed back in the response (not stored by Chatwoot) */
  echoId?: string;
  /**
   * Makes the post safe to retry: stored as the message's `source_id`; after an ambiguous failure the client looks
   * at the conversation's latest messages and returns the message already posted under this key instead of
   * posting it again. Works with a bot token (GET conversation is allow-listed); it sees only the last message, so
   * it relies on replies to a conversation being posted in order.
   */
  idempotencyKey?: string;
}

export class ChatwootClient {
  private readonly transport: ChatwootTransport;
  private readonly prefix: string;

  constructor(readonly options: ChatwootClientOptions) {
    this.transport = new ChatwootTransport(options);
    this.prefix = `/api/v1/accounts/${options.accountId}`;
  }

  private conv(id: number, suffix = ''): string {
    return `${this.prefix}/conversations/${id}${suffix}`;
  }

  getConversation(conversationId: number): Promise<ChatwootConversation> {
    return this.transport.call({
      method: 'GET',
      path: this.conv(conversationId),
      schema: conversationSchema,
      what: `GET conversation ${conversationId}`,
      retry: 'safe',
    });
  }

  createMessage(conversationId: number, input: CreateMessageInput): Promise<ChatwootApiMessage> {
    const interactive = input.interactive ?? { type: 'text' };
    const body = {
      content: input.content,
      message_type: 'outgoing',
      private: input.private ?? false,
      content_type: interactive.type,
      ...(interactive.type === 'text' ? {} : { content_attributes: { items: interactive.items } }),
      ...(input.echoId ? { echo_id: input.echoId } : {}),
      ...(input.idempotencyKey ? { source_id: input.idempotencyKey } : {}),
    };
    const key = input.idempotencyKey;
    return this.transport.call({
      method: 'POST',
      path: this.conv(conversationId, '/messages'),
      body,
      schema: apiMessageSchema,
      what: `POST message to conversation ${conversationId}`,
      retry: key ? 'if-not-applied' : 'never',
      recover: key ? () => this.findPostedMessage(conversationId, key) : undefined,
    });
  }

  /** The message posted under `idempotencyKey`, if it is the conversation's latest (see CreateMessageInput). */
  async findPostedMessage(conversationId: number, idempotencyKey: string): Promise<ChatwootApiMessage | undefined> {
    const conversation = await this.getConversation(conversationId);
    const candidates = [...conversation.messages, ...(conversation.last_non_activity_message ? [conversation.last_non_activity_message] : [])];
    return candidates.find((m) => m.source_id === idempotencyKey);
  }

  /** A bot's pending→open is Chatwoot's bot handoff (README §3). Set-style: safe to repeat. */
  async toggleStatus(conversationId: number, status: ConversationStatus, snoozedUntil?: number): Promise<ConversationStatus> {
    const res = await this.transport.call({
      method: 'POST',
      path: this.conv(conversationId, '/toggle_status'),
      body: { status, ...(snoozedUntil ? { snoozed_until: snoozedUntil } : {}) },
      schema: toggleStatusResponseSchema,
      what: `toggle_status ${status} of conversation ${conversationId}`,
      retry: 'safe',
    });
    return res.payload.current_status;
  }

  async toggleTyping(conversationId: number, on: boolean, isPrivate = false): Promise<void> {
    await this.transport.call({
      method: 'POST',
      path: this.conv(conversationId, '/toggle_typing_status'),
      body: { typing_status: on ? 'on' : 'off', is_private: isPrivate },
      schema: emptyResponseSchema,
      what: `toggle_typing_status of conversation ${conversationId}`,
      retry: 'safe',
    });
  }

  async getLabels(conversationId: number): Promise<string[]> {
    const res = await this.transport.call({
      method: 'GET',
      path: this.conv(conversationId, '/labels'),
      schema: labelsResponseSchema,
      what: `GET labels of conversation ${conversationId}`,
      retry: 'safe',
    });
    return res.payload;
  }

  /** POST labels **replaces** the whole list (README §3). */
  async setLabels(conversationId: number, labels: string[]): Promise<string[]> {
    const res = await this.transport.call({
      method: 'POST',
      path: this.conv(conversationId, '/labels'),
      body: { labels },
      schema: labelsResponseSchema,
      what: `POST labels of conversation ${conversationId}`,
      retry: 'safe',
    });
    return res.payload;
  }

  /** Adds labels to the current ones (read, merge, replace). */
  async addLabels(conversationId: number, labels: string[]): Promise<string[]> {
    const current = await this.getLabels(conversationId);
    const merged = [...new Set([...current, ...labels.map((l) => l.toLowerCase())])];
    return merged.length === current.length ? current : this.setLabels(conversationId, merged);
  }

  async setCustomAttributes(
    conversationId: number,
    attributes: Record<string, string | number | boolean | null>,
    options: { merge: boolean } = { merge: true },
  ): Promise<Record<string, unknown>> {
    const res = await this.transport.call({
      method: 'POST',
      path: this.conv(conversationId, '/custom_attributes'),
      body: { custom_attributes: attributes, merge: options.merge },
      schema: customAttributesResponseSchema,
      what: `POST custom_attributes of conversation ${conversationId}`,
      retry: 'safe',
    });
    return res.custom_attributes;
  }

  async assignAgent(conversationId: number, assigneeId: number | null): Promise<void> {
    await this.transport.call({
      method: 'POST',
      path: this.conv(conversationId, '/assignments'),
      body: { assignee_id: assigneeId },
      schema: emptyResponseSchema,
      what: `assign conversation ${conversationId}`,
      retry: 'safe',
    });
  }

  /** User token only: a bot token cannot list messages (README §2). */
  async listMessages(conversationId: number, page: { after?: number; before?: number } = {}) {
    const res = await this.transport.call({
      method: 'GET',
      path: this.conv(conversationId, '/messages'),
      query: page,
      schema: messagesPageSchema,
      what: `GET messages of conversation ${conversationId}`,
      retry: 'safe',
    });
    return res.payload;
  }

  // ---- administration (administrator user token) ----

  getProfile() {
    return this.transport.call({ method: 'GET', path: '/api/v1/profile', schema: profileSchema, what: 'GET profile', retry: 'safe' });
  }

  listAgentBots() {
    return this.transport.call({ method: 'GET', path: `${this.prefix}/agent_bots`, schema: z.array(agentBotSchema), what: 'GET agent_bots', retry: 'safe' });
  }

  createAgentBot(input: { name: string; description?: string; outgoingUrl: string }) {
    return this.transport.call({
      method: 'POST',
      path: `${this.prefix}/agent_bots`,
      schema: agentBotSchema,
      what: 'POST agent_bots',
      retry: 'if-not-applied',
      body: { name: input.name, description: input.description ?? '', outgoing_url: input.outgoingUrl, bot_type: 0 },
    });
  }

  updateAgentBot(botId: number, input: { name?: string; outgoingUrl?: string }) {
    return this.transport.call({
      method: 'PATCH',
      path: `${this.prefix}/agent_bots/${botId}`,
      schema: agentBotSchema,
      what: `PATCH agent_bot ${botId}`,
      retry: 'safe',
      body: { ...(input.name ? { name: input.name } : {}), ...(input.outgoingUrl ? { outgoing_url: input.outgoingUrl } : {}) },
    });
  }

  async deleteAgentBot(botId: number): Promise<void> {
    await this.transport.call({
      method: 'DELETE',
      path: `${this.prefix}/agent_bots/${botId}`,
      schema: emptyResponseSchema,
      what: `DELETE agent_bot ${botId}`,
      retry: 'safe',
    });
  }

  /** `null` detaches the inbox's bot (README §1.4). */
  async setInboxAgentBot(inboxId: number, botId: number | null): Promise<void> {
    await this.transport.call({
      method: 'POST',
      path: `${this.prefix}/inboxes/${inboxId}/set_agent_bot`,
      body: { agent_bot: botId },
      schema: emptyResponseSchema,
      what: `set_agent_bot of inbox ${inboxId}`,
      retry: 'safe',
    });
  }

  listAgents() {
    return this.transport.call({ method: 'GET', path: `${this.prefix}/agents`, schema: z.array(agentSchema), what: 'GET agents', retry: 'safe' });
  }

  /** Not idempotent (a repeat is 422 "Email has already been taken"): callers reconcile with listAgents. */
  createAgent(input: { name: string; email: string; role: 'agent' | 'administrator' }) {
    return this.transport.call({
      method: 'POST',
      path: `${this.prefix}/agents`,
      body: input,
      schema: agentSchema,
      what: 'POST agents',
      retry: 'if-not-applied',
    });
  }

  updateAgent(agentId: number, input: { name?: string; role: 'agent' | 'administrator'; availability?: 'online' | 'busy' | 'offline' }) {
    return this.transport.call({
      method: 'PATCH',
      path: `${this.prefix}/agents/${agentId}`,
      body: input,
      schema: agentSchema,
      what: `PATCH agent ${agentId}`,
      retry: 'safe',
    });
  }

  async deleteAgent(agentId: number): Promise<void> {
    await this.transport.call({
      method: 'DELETE',
      path: `${this.prefix}/agents/${agentId}`,
      schema: emptyResponseSchema,
      what: `DELETE agent ${agentId}`,
      retry: 'safe',
    });
  }

  async deleteContact(contactId: number): Promise<void> {
    await this.transport.call({
      method: 'DELETE',
      path: `${this.prefix}/contacts/${contactId}`,
      schema: emptyResponseSchema,
      what: `DELETE contact ${contactId}`,
      retry: 'safe',
    });
  }

  async createWebhook(input: { url: string; name?: string; subscriptions: string[] }) {
    const res = await this.transport.call({
      method: 'POST',
      path: `${this.prefix}/webhooks`,
      body: input,
      schema: webhookCreateResponseSchema,
      what: 'POST webhooks',
      retry: 'if-not-applied',
    });
    return res.payload.webhook;
  }

  async listWebhooks() {
    const res = await this.transport.call({
      method: 'GET',
      path: `${this.prefix}/webhooks`,
      schema: webhookListResponseSchema,
      what: 'GET webhooks',
      retry: 'safe',
    });
    return res.payload.webhooks;
  }

  async deleteWebhook(webhookId: number): Promise<void> {
    await this.transport.call({
      method: 'DELETE',
      path: `${this.prefix}/webhooks/${webhookId}`,
      schema: emptyResponseSchema,
      what: `DELETE webhook ${webhookId}`,
      retry: 'safe',
    });
  }

  createDashboardApp(input: { title: string; url: string }) {
    return this.transport.call({
      method: 'POST',
      path: `${this.prefix}/dashboard_apps`,
      body: { title: input.title, content: [{ type: 'frame', url: input.url }] },
      schema: dashboardAppSchema,
      what: 'POST dashboard_apps',
      retry: 'if-not-applied',
    });
  }

  listDashboardApps() {
    return this.transport.call({
      method: 'GET',
      path: `${this.prefix}/dashboard_apps`,
      schema: z.array(dashboardAppSchema),
      what: 'GET dashboard_apps',
      retry: 'safe',
    });
  }
}

export { ChatwootError };
