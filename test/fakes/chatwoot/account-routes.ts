import { ChatwootHttpError, intParam, notFound, type FakeRequest, type RouteContext, type RouteDef } from './route';
import { agentBotJson, agentJson } from './serializers';
import { secureToken, type AgentBot, type User } from './state';

/** Account-administration endpoints Atrium uses for setup and Keycloak provisioning (README §1.2, §1.4, §4, §5, §6). */
const ACC = '/api/v1/accounts/{account_id}';
const invalid = (message: string) => new ChatwootHttpError(422, message);

function viewerAdminAccount(req: FakeRequest): number | null {
  return req.caller.kind === 'user' && req.caller.user.role === 'administrator' ? req.caller.user.accountId : null;
}

function findBot(req: FakeRequest, ctx: RouteContext): AgentBot {
  const bot = ctx.state.agentBots.get(intParam(req, 'id'));
  // accessible_to(account): account bots of this account and system bots (README §1.4)
  if (!bot || (bot.accountId !== null && bot.accountId !== req.accountId)) throw notFound();
  return bot;
}

function writeBot(bot: AgentBot, body: Record<string, unknown>): void {
  if (typeof body.name === 'string') bot.name = body.name;
  if (typeof body.description === 'string') bot.description = body.description;
  if (typeof body.outgoing_url === 'string') {
    if (body.outgoing_url.length > 2048) throw invalid('Validation failed: Outgoing url is too long (maximum is 2048 characters)');
    bot.outgoingUrl = body.outgoing_url;
  }
  if (body.bot_config && typeof body.bot_config === 'object') bot.botConfig = body.bot_config as Record<string, unknown>;
}

function createBot(req: FakeRequest, ctx: RouteContext) {
  const bot: AgentBot = {
    id: ctx.state.nextId('agent_bot', 2),
    accountId: req.accountId,
    name: '',
    description: '',
    outgoingUrl: '',
    botConfig: {},
    accessToken: secureToken(),
    secret: secureToken(),
  };
  writeBot(bot, req.body);
  if (!bot.name) throw invalid("Validation failed: Name can't be blank");
  ctx.state.agentBots.set(bot.id, bot);
  return { status: 200, body: agentBotJson(bot, viewerAdminAccount(req)) };
}

function setAgentBot(req: FakeRequest, ctx: RouteContext) {
  const inbox = ctx.state.inboxes.get(intParam(req, 'id'));
  if (!inbox || inbox.accountId !== req.accountId) throw notFound();
  if (req.body.agent_bot === null) {
    ctx.state.agentBotInboxes.delete(inbox.id);
    return { status: 200 };
  }
  const bot = ctx.state.agentBots.get(Number(req.body.agent_bot));
  if (!bot || (bot.accountId !== null && bot.accountId !== inbox.accountId)) throw notFound();
  const existing = ctx.state.agentBotInboxes.get(inbox.id);
  ctx.state.agentBotInboxes.set(inbox.id, { inboxId: inbox.id, agentBotId: bot.id, status: existing?.status ?? 'active' });
  return { status: 200 }; // the code does `head :ok` although swagger says 204 (README §1.4)
}

function findAgent(req: FakeRequest, ctx: RouteContext): User {
  const user = ctx.state.users.get(intParam(req, 'id'));
  if (!user || user.accountId !== req.accountId) throw notFound();
  return user;
}

function createAgent(req: FakeRequest, ctx: RouteContext, seatLimit: () => number) {
  const email = String(req.body.email).toLowerCase();
  const members = [...ctx.state.users.values()].filter((u) => u.accountId === req.accountId);
  if (members.some((u) => u.email === email)) throw invalid('Validation failed: Email has already been taken');
  if (members.length >= seatLimit()) throw new ChatwootHttpError(402, 'Account limit exceeded. Please purchase more licenses');
  const user: User = {
    id: ctx.state.nextId('user', 100),
    accountId: req.accountId ?? 0,
    name: String(req.body.name),
    email,
    role: req.body.role as User['role'],
    availability: (req.body.availability as User['availability'] | undefined) ?? 'offline',
    autoOffline: req.body.auto_offline !== false,
    accessToken: secureToken(),
    confirmed: false,
  };
  ctx.state.users.set(user.id, user);
  return { status: 200, body: agentJson(user) };
}

function updateAgent(req: FakeRequest, ctx: RouteContext) {
  const user = findAgent(req, ctx);
  if (typeof req.body.name === 'string') user.name = req.body.name;
  if (req.body.role) user.role = req.body.role as User['role'];
  if (req.body.availability) user.availability = req.body.availability as User['availability'];
  if (typeof req.body.auto_offline === 'boolean') user.autoOffline = req.body.auto_offline;
  return { status: 200, body: agentJson(user) };
}

function deleteContact(req: FakeRequest, ctx: RouteContext) {
  const contact = ctx.state.contacts.get(intParam(req, 'id'));
  if (!contact || contact.accountId !== req.accountId) throw notFound();
  ctx.state.contacts.delete(contact.id);
  for (const c of [...ctx.state.conversations.values()]) {
    if (c.contactId !== contact.id) continue;
    ctx.state.deleteConversation(c);
  }
  return { status: 200 };
}

const ALLOWED_WEBHOOK_EVENTS = [
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
];

function createWebhook(req: FakeRequest, ctx: RouteContext) {
  const body = (req.body.webhook as Record<string, unknown> | undefined) ?? req.body;
  const url = String(body.url ?? '');
  const subscriptions = Array.isArray(body.subscriptions) ? body.subscriptions.map(String) : [];
  if (!/^https?:\/\//.test(url)) throw invalid('Validation failed: Url is invalid');
  if (!subscriptions.length || subscriptions.some((s) => !ALLOWED_WEBHOOK_EVENTS.includes(s))) throw invalid('Validation failed: Subscriptions Invalid events');
  if ([...ctx.state.webhooks.values()].some((w) => w.accountId === req.accountId && w.url === url))
    throw invalid('Validation failed: Url has already been taken');
  const hook = {
    id: ctx.state.nextId('webhook'),
    accountId: req.accountId ?? 0,
    name: String(body.name ?? ''),
    url,
    subscriptions,
    secret: secureToken(),
    inboxId: typeof body.inbox_id === 'number' ? body.inbox_id : null,
  };
  ctx.state.webhooks.set(hook.id, hook);
  return { status: 200, body: { payload: { webhook: webhookJson(hook) } } };
}

const webhookJson = (w: { id: number; name: string; url: string; accountId: number; subscriptions: string[]; secret: string }) => ({
  id: w.id,
  name: w.name,
  url: w.url,
  account_id: w.accountId,
  subscriptions: w.subscriptions,
  secret: w.secret,
});

const dashboardAppSchema = {
  type: 'object',
  required: ['title', 'content'],
  properties: {
    title: { type: 'string' },
    content: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['type', 'url'], properties: { type: { const: 'frame' }, url: { type: 'string', pattern: '^https?://' } } },
    },
  },
};

export function accountRoutes(seatLimit: () => number): RouteDef[] {
  return [
    { method: 'GET', path: '/api/v1/profile', access: 'member', handler: (req) => ({ status: 200, body: profileJson(req) }) },
    {
      method: 'GET',
      path: `${ACC}/agent_bots`,
      access: 'member',
      handler: (req, ctx) => ({
        status: 200,
        body: [...ctx.state.agentBots.values()]
          .filter((b) => b.accountId === null || b.accountId === req.accountId)
          .map((b) => agentBotJson(b, viewerAdminAccount(req))),
      }),
    },
    { method: 'POST', path: `${ACC}/agent_bots`, access: 'admin', handler: createBot },
    {
      method: 'GET',
      path: `${ACC}/agent_bots/{id}`,
      access: 'member',
      handler: (req, ctx) => ({ status: 200, body: agentBotJson(findBot(req, ctx), viewerAdminAccount(req)) }),
    },
    {
      method: 'PATCH',
      path: `${ACC}/agent_bots/{id}`,
      access: 'admin',
      handler: (req, ctx) => {
        const bot = findBot(req, ctx);
        writeBot(bot, req.body);
        return { status: 200, body: agentBotJson(bot, viewerAdminAccount(req)) };
      },
    },
    {
      method: 'DELETE',
      path: `${ACC}/agent_bots/{id}`,
      access: 'admin',
      handler: (req, ctx) => {
        const bot = findBot(req, ctx);
        ctx.state.agentBots.delete(bot.id);
        for (const [inboxId, link] of ctx.state.agentBotInboxes) if (link.agentBotId === bot.id) ctx.state.agentBotInboxes.delete(inboxId);
        return { status: 200 };
      },
    },
    {
      method: 'POST',
      path: `${ACC}/agent_bots/{id}/reset_secret`,
      access: 'admin',
      readmeOnly: '§1.2',
      bodySchemaOverride: { schema: { type: 'object' }, why: 'README §1.2: not in swagger; takes no body' },
      handler: (req, ctx) => {
        const bot = findBot(req, ctx);
        bot.secret = secureToken();
        return { status: 200, body: agentBotJson(bot, viewerAdminAccount(req)) };
      },
    },
    {
      method: 'POST',
      path: `${ACC}/inboxes/{id}/set_agent_bot`,
      access: 'admin',
      handler: setAgentBot,
      bodySchemaOverride: {
        schema: { type: 'object', required: ['agent_bot'], properties: { agent_bot: { type: ['number', 'null'] } } },
        why: 'README §1.4: {"agent_bot": null} detaches the bot (swagger types it as number only)',
      },
    },
    {
      method: 'GET',
      path: `${ACC}/inboxes/{id}/agent_bot`,
      access: 'member',
      handler: (req, ctx) => {
        const bot = ctx.state.activeInboxBot(intParam(req, 'id'));
        return { status: 200, body: { agent_bot: bot ? agentBotJson(bot, viewerAdminAccount(req)) : {} } };
      },
    },
    {
      method: 'GET',
      path: `${ACC}/agents`,
      access: 'member',
      handler: (req, ctx) => ({ status: 200, body: [...ctx.state.users.values()].filter((u) => u.accountId === req.accountId).map(agentJson) }),
    },
    { method: 'POST', path: `${ACC}/agents`, access: 'admin', handler: (req, ctx) => createAgent(req, ctx, seatLimit) },
    { method: 'PATCH', path: `${ACC}/agents/{id}`, access: 'admin', handler: updateAgent },
    {
      method: 'DELETE',
      path: `${ACC}/agents/{id}`,
      access: 'admin',
      handler: (req, ctx) => {
        ctx.state.users.delete(findAgent(req, ctx).id);
        return { status: 200 };
      },
    },
    { method: 'DELETE', path: `${ACC}/contacts/{id}`, access: 'admin', handler: deleteContact },
    {
      method: 'GET',
      path: `${ACC}/webhooks`,
      access: 'admin',
      handler: (req, ctx) => ({
        status: 200,
        body: { payload: { webhooks: [...ctx.state.webhooks.values()].filter((w) => w.accountId === req.accountId).map(webhookJson) } },
      }),
    },
    { method: 'POST', path: `${ACC}/webhooks`, access: 'admin', handler: createWebhook },
    {
      method: 'DELETE',
      path: `${ACC}/webhooks/{webhook_id}`,
      access: 'admin',
      handler: (req, ctx) => {
        const hook = ctx.state.webhooks.get(intParam(req, 'webhook_id'));
        if (!hook || hook.accountId !== req.accountId) throw notFound();
        ctx.state.webhooks.delete(hook.id);
        return { status: 200 };
      },
    },
    {
      method: 'GET',
      path: `${ACC}/dashboard_apps`,
      access: 'member',
      readmeOnly: '§5',
      handler: (req, ctx) => ({ status: 200, body: [...ctx.state.dashboardApps.values()].filter((a) => a.accountId === req.accountId).map(dashboardAppJson) }),
    },
    {
      method: 'POST',
      path: `${ACC}/dashboard_apps`,
      access: 'admin',
      readmeOnly: '§5',
      bodySchemaOverride: { schema: dashboardAppSchema, why: 'README §5: dashboard apps are not in swagger' },
      handler: (req, ctx) => {
        const app = {
          id: ctx.state.nextId('dashboard_app'),
          accountId: req.accountId ?? 0,
          title: String(req.body.title),
          content: req.body.content as Array<{ type: 'frame'; url: string }>,
          createdAt: ctx.state.now(),
        };
        ctx.state.dashboardApps.set(app.id, app);
        return { status: 200, body: dashboardAppJson(app) };
      },
    },
  ];
}

const dashboardAppJson = (a: { id: number; title: string; content: unknown; createdAt: number }) => ({
  id: a.id,
  title: a.title,
  content: a.content,
  created_at: new Date(a.createdAt).toISOString(),
});

function profileJson(req: FakeRequest) {
  if (req.caller.kind !== 'user') throw new ChatwootHttpError(401, 'Access to this endpoint is not authorized for bots');
  const u = req.caller.user;
  return {
    id: u.id,
    access_token: u.accessToken,
    account_id: u.accountId,
    available_name: u.name,
    avatar_url: '',
    confirmed: u.confirmed,
    display_name: null,
    message_signature: null,
    email: u.email,
    name: u.name,
    provider: 'email',
    pubsub_token: secureToken(),
    role: u.role,
    ui_settings: {},
    uid: u.email,
    type: 'User',
    accounts: [{ id: u.accountId, name: '', status: 'active', active_at: null, role: u.role, availability: u.availability, auto_offline: u.autoOffline }],
  };
}
