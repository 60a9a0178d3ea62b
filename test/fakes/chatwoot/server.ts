import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isKnownDeviation, type ChatwootContract, type SchemaCheck } from './contract';
import type { FaultInjector, Fault } from './faults';
import { ChatwootHttpError, type Caller, type RouteContext, type RouteDef } from './route';

/**
 * The fake's HTTP front: authenticate `api_access_token` like Chatwoot (README §2), enforce the bot allow-list,
 * validate the JSON body against the swagger schema, inject faults, run the handler, check the response against the
 * swagger response schema, and record everything.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  /** the swagger path template that matched, or null (unknown endpoint) */
  route: string | null;
  caller: 'user' | 'bot' | 'anonymous';
  body: unknown;
  status: number;
  response: unknown;
  fault: Fault['kind'] | 'error-after-commit';
  /** swagger request-body check (undefined: no schema) */
  bodyCheck?: SchemaCheck;
  /** swagger response check (undefined: no schema for this status, or a documented deviation) */
  responseCheck?: SchemaCheck;
}

interface CompiledRoute {
  def: RouteDef;
  regex: RegExp;
  names: string[];
  validateBody?: (body: unknown) => SchemaCheck;
}

const BOT_FORBIDDEN = 'Access to this endpoint is not authorized for bots';

function compileRoute(def: RouteDef, contract: ChatwootContract): CompiledRoute {
  const names: string[] = [];
  const pattern = def.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const validateBody = def.bodySchemaOverride ? contract.compile(def.bodySchemaOverride.schema) : contract.operation(def.method, def.path)?.validateBody;
  if (!def.readmeOnly && !contract.operation(def.method, def.path)) {
    throw new Error(`fake chatwoot: ${def.method} ${def.path} is not in Chatwoot's swagger and not marked readmeOnly`);
  }
  return { def, regex: new RegExp(`^${pattern}/?$`), names, validateBody };
}

function templateRegex(path: string): RegExp {
  return new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}/?$`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface HttpFrontOptions {
  contract: ChatwootContract;
  routes: RouteDef[];
  ctx: RouteContext;
  faults: FaultInjector;
  checkResponses: boolean;
  onRequest: (r: RecordedRequest) => void;
}

export function createHttpFront(options: HttpFrontOptions): { server: Server; listen: () => Promise<string> } {
  const routes = options.routes.map((r) => compileRoute(r, options.contract));
  // literal segments win over parameters (`conversations/meta` vs `conversations/{id}`), like Rails routing
  routes.sort((a, b) => a.names.length - b.names.length);
  const swaggerTemplates = options.contract.paths().map(templateRegex);

  function authenticate(req: IncomingMessage): Caller | null {
    const raw = req.headers['api_access_token'] ?? req.headers['api-access-token'];
    const token = Array.isArray(raw) ? raw[0] : raw;
    if (!token) return null;
    const user = options.ctx.state.userByToken(token);
    if (user) return { kind: 'user', user };
    const bot = options.ctx.state.botByToken(token);
    return bot ? { kind: 'bot', bot } : null;
  }

  function authorize(route: CompiledRoute, caller: Caller, accountId: number | null): void {
    if (caller.kind === 'bot') {
      if (route.def.access !== 'bot') throw new ChatwootHttpError(401, BOT_FORBIDDEN);
      if (accountId !== null && !options.ctx.state.botMayAccessAccount(caller.bot, accountId)) {
        throw new ChatwootHttpError(401, 'Bot is not authorized to access this account');
      }
      return;
    }
    if (accountId !== null && caller.user.accountId !== accountId) throw new ChatwootHttpError(401, 'You are not authorized to access this account');
    if (route.def.access === 'admin' && caller.user.role !== 'administrator') throw new ChatwootHttpError(401, 'You are not authorized to do this action');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const rawBody = await readBody(req);
    const record: RecordedRequest = {
      method,
      url: url.pathname + url.search,
      route: null,
      caller: 'anonymous',
      body: undefined,
      status: 0,
      response: undefined,
      fault: 'none',
    };
    const reply = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      record.response = body;
      if (body === undefined) res.writeHead(status, headers).end();
      else if (typeof body === 'string') res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body);
      else res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
      options.onRequest(record);
    };
    try {
      const route = routes.find((r) => r.def.method === method && r.regex.test(url.pathname));
      if (!route) {
        const inSwagger = swaggerTemplates.some((t) => t.test(url.pathname));
        // the bot allow-list is enforced before anything else, implemented here or not
        if (inSwagger && authenticate(req)?.kind === 'bot') return reply(401, { error: BOT_FORBIDDEN });
        return reply(inSwagger ? 501 : 404, {
          error: inSwagger ? `fake chatwoot does not implement ${method} ${url.pathname}` : 'Resource could not be found',
        });
      }
      record.route = route.def.path;
      const match = route.regex.exec(url.pathname)!;
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? '')]));
      const caller = authenticate(req);
      if (!caller) return reply(401, { error: 'Invalid Access Token' });
      record.caller = caller.kind;
      const accountId = params.account_id === undefined ? null : Number(params.account_id);
      authorize(route, caller, accountId);
      let body: Record<string, unknown> = {};
      if (rawBody) {
        try {
          body = JSON.parse(rawBody) as Record<string, unknown>;
        } catch {
          return reply(400, { error: 'Invalid JSON body' });
        }
      }
      record.body = body;
      if (route.validateBody) {
        record.bodyCheck = route.validateBody(body);
        if (!record.bodyCheck.ok) return reply(422, { error: `fake chatwoot: body violates the OpenAPI schema: ${record.bodyCheck.errors.join('; ')}` });
      }
      const latency = options.faults.latency();
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const fault = options.faults.next(`${method} ${url.pathname}`);
      record.fault = fault.kind === 'error' && fault.afterCommit ? 'error-after-commit' : fault.kind;
      if (fault.kind === 'error' && !fault.afterCommit) return reply(fault.status, { error: 'Injected failure' });
      if (fault.kind === 'rate-limit') return reply(429, 'Retry later', { 'retry-after': String(fault.retryAfterSeconds) });
      const result = route.def.handler({ params, query: url.searchParams, body, caller, accountId }, options.ctx);
      if (fault.kind === 'error') return reply(fault.status, { error: 'Injected failure after the write' });
      if (options.checkResponses && !isKnownDeviation(method, route.def.path, result.status)) {
        record.responseCheck = options.contract.operation(method, route.def.path)?.responseValidator(result.status)?.(result.body);
      }
      return reply(result.status, result.body);
    } catch (err) {
      if (err instanceof ChatwootHttpError) return reply(err.status, { error: err.message });
      return reply(500, { error: (err as Error).message });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5_000;
  return {
    server,
    listen: () =>
      new Promise((resolve) => {
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
      }),
  };
}
