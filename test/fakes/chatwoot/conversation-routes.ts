import { typingPayload } from './events';
import { ChatwootHttpError, actorOf, findConversation, type RouteContext, type RouteDef, type FakeRequest } from './route';
import { agentJson, botWebhookData, contactPushData, conversationShow, messageApiResponse, messagePushData, userWebhookData } from './serializers';
import type { ConversationStatus } from './state';

/** Conversation endpoints, incl. everything on the agent-bot allow-list (README §0, §2, §3). */
const CONV = '/api/v1/accounts/{account_id}/conversations/{conversation_id}';
const MESSAGE_LIMIT = 150_000;
const FLOOD_LIMIT_PER_MINUTE = 200;

const invalid = (message: string) => new ChatwootHttpError(422, message);

/** `ContentAttributeValidator`: items must be a non-empty array of objects with only the allowed keys. */
function validateInteractive(contentType: string, attrs: Record<string, unknown>): void {
  const allowedKeys: Record<string, string[]> = {
    input_select: ['title', 'value'],
    article: ['title', 'description', 'link'],
    cards: ['title', 'description', 'media_url', 'actions'],
    form: ['name', 'label', 'type', 'placeholder', 'options', 'default', 'required', 'pattern', 'pattern_error', 'title'],
  };
  const keys = allowedKeys[contentType];
  if (!keys) return;
  const items = attrs.items;
  if (!Array.isArray(items) || items.length === 0) throw invalid('Validation failed: Content attributes At least one item is required.');
  for (const item of items) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid('Validation failed: Content attributes Items must be objects');
    const unknown = Object.keys(item).filter((k) => !keys.includes(k));
    if (unknown.length) throw invalid(`Validation failed: Content attributes Invalid keys in items: ${unknown.join(', ')}`);
  }
}

function createMessage(req: FakeRequest, ctx: RouteContext) {
  const c = findConversation(req, ctx);
  const b = req.body;
  const content = typeof b.content === 'string' ? b.content : null;
  if (content !== null && content.length > MESSAGE_LIMIT) throw invalid(`Validation failed: Content is too long (maximum is ${MESSAGE_LIMIT} characters)`);
  const messageType = (b.message_type as string | undefined) ?? 'outgoing';
  if (messageType === 'incoming' && ctx.state.inboxes.get(c.inboxId)?.channelType !== 'Channel::Api') {
    throw invalid('Incoming messages are only allowed in Api inboxes');
  }
  const contentType = (b.content_type as string | undefined) ?? 'text';
  const contentAttributes = (b.content_attributes as Record<string, unknown> | undefined) ?? {};
  validateInteractive(contentType, contentAttributes);
  const minuteAgo = ctx.state.now() - 60_000;
  if (ctx.state.conversationMessages(c).filter((m) => m.createdAt > minuteAgo).length >= FLOOD_LIMIT_PER_MINUTE) {
    throw invalid('Validation failed: Too many messages');
  }
  // A user token may post as a bot with sender_type/sender_id (README §2).
  const asBot = b.sender_type === 'AgentBot' ? ctx.state.agentBots.get(Number(b.sender_id)) : undefined;
  const actor = asBot ? { kind: 'bot' as const, bot: asBot } : actorOf(req.caller);
  const message = ctx.actions.addMessage(c, actor, {
    messageType: messageType as 'incoming' | 'outgoing',
    content,
    contentType,
    contentAttributes,
    private: b.private === true,
    sourceId: typeof b.source_id === 'string' ? b.source_id : null,
  });
  const echoId = typeof b.echo_id === 'string' ? b.echo_id : undefined;
  return { status: 200, body: messageApiResponse(ctx.state, message, echoId) };
}

function toggleStatus(req: FakeRequest, ctx: RouteContext) {
  const c = findConversation(req, ctx);
  const status = req.body.status as ConversationStatus;
  const snoozedUntil = typeof req.body.snoozed_until === 'number' ? req.body.snoozed_until : null;
  const { success } = ctx.actions.changeStatus(c, status, actorOf(req.caller), snoozedUntil);
  return {
    status: 200,
    body: { meta: {}, payload: { success, conversation_id: c.displayId, current_status: c.status, snoozed_until: c.snoozedUntil } },
  };
}

function toggleTyping(req: FakeRequest, ctx: RouteContext) {
  const c = findConversation(req, ctx);
  const who = req.caller.kind === 'bot' ? botWebhookData(req.caller.bot) : userWebhookData(req.caller.user);
  const payload = typingPayload(ctx.state, c, who, req.body.typing_status === 'on', req.body.is_private === true);
  ctx.actions.emitTyping(c, payload);
  return { status: 200 };
}

function customAttributes(req: FakeRequest, ctx: RouteContext) {
  const c = findConversation(req, ctx);
  const attrs = req.body.custom_attributes as Record<string, unknown>;
  for (const [key, value] of Object.entries(attrs)) {
    // JsonbAttributesLengthValidator (README §3)
    if (typeof value === 'string' && value.length > 1500) throw invalid(`Validation failed: Custom attributes ${key} is too long (maximum is 1500 characters)`);
    if (typeof value === 'number' && Math.abs(value) > 9_999_999_999) throw invalid(`Validation failed: Custom attributes ${key} is too large`);
  }
  return { status: 200, body: { custom_attributes: ctx.actions.setCustomAttributes(c, attrs, req.body.merge === true) } };
}

function assignment(req: FakeRequest, ctx: RouteContext) {
  const c = findConversation(req, ctx);
  const id = typeof req.body.assignee_id === 'number' ? req.body.assignee_id : null;
  if (req.body.assignee_type === 'AgentBot') {
    const bot = id === null ? undefined : ctx.state.agentBots.get(id);
    if (!bot) return { status: 200, body: null };
    ctx.actions.assign(c, null, bot.id);
    return {
      status: 200,
      body: { id: bot.id, name: bot.name, description: bot.description, thumbnail: '', outgoing_url: bot.outgoingUrl, bot_type: 'webhook' },
    };
  }
  if (!('assignee_id' in req.body)) return { status: 200, body: null }; // team_id: the fake has no teams
  const user = id === null ? undefined : ctx.state.users.get(id);
  const member = user && user.accountId === c.accountId ? user : undefined;
  ctx.actions.assign(c, member?.id ?? null);
  return { status: 200, body: member ? agentJson(member) : null };
}

/** GET messages (user token only): latest 20, or up to 100 after / 20 before a message id, ascending. */
function listMessages(req: FakeRequest, ctx: RouteContext) {
  const c = findConversation(req, ctx);
  let messages = ctx.state.conversationMessages(c);
  const after = Number(req.query.get('after') ?? NaN);
  const before = Number(req.query.get('before') ?? NaN);
  if (Number.isFinite(after)) messages = messages.filter((m) => m.id > after).slice(0, 100);
  else if (Number.isFinite(before)) messages = messages.filter((m) => m.id < before).slice(-20);
  else messages = messages.slice(-20);
  const contact = ctx.state.contacts.get(c.contactId);
  const assignee = c.assigneeId === null ? undefined : ctx.state.users.get(c.assigneeId);
  return {
    status: 200,
    body: {
      meta: {
        labels: [...c.labels],
        additional_attributes: c.additionalAttributes,
        contact: contact ? contactPushData(contact) : {},
        ...(assignee ? { assignee: agentJson(assignee) } : {}),
        agent_last_seen_at: null,
        assignee_last_seen_at: null,
      },
      payload: messages.map((m) => messagePushData(ctx.state, m)),
    },
  };
}

export const conversationRoutes: RouteDef[] = [
  { method: 'GET', path: `${CONV}/messages`, access: 'member', handler: listMessages },
  { method: 'GET', path: CONV, access: 'bot', handler: (req, ctx) => ({ status: 200, body: conversationShow(ctx.state, findConversation(req, ctx)) }) },
  { method: 'POST', path: `${CONV}/messages`, access: 'bot', handler: createMessage },
  { method: 'POST', path: `${CONV}/toggle_status`, access: 'bot', handler: toggleStatus },
  { method: 'POST', path: `${CONV}/toggle_typing_status`, access: 'bot', handler: toggleTyping },
  {
    method: 'POST',
    path: `${CONV}/toggle_priority`,
    access: 'bot',
    handler: (req, ctx) => {
      const c = findConversation(req, ctx);
      c.priority = req.body.priority === 'none' ? null : (req.body.priority as typeof c.priority);
      return { status: 200 };
    },
  },
  { method: 'POST', path: `${CONV}/custom_attributes`, access: 'bot', handler: customAttributes },
  { method: 'POST', path: `${CONV}/assignments`, access: 'bot', handler: assignment },
  { method: 'GET', path: `${CONV}/labels`, access: 'bot', handler: (req, ctx) => ({ status: 200, body: { payload: findConversation(req, ctx).labels } }) },
  {
    method: 'POST',
    path: `${CONV}/labels`,
    access: 'bot',
    handler: (req, ctx) => ({ status: 200, body: { payload: ctx.actions.setLabels(findConversation(req, ctx), req.body.labels as string[]) } }),
  },
];
