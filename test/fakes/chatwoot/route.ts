import type { ChatwootActions } from './actions';
import type { AgentBot, ChatwootState, Conversation, User } from './state';

/** The fake's route table entry: a swagger path template, who may call it, and a handler over the in-memory state. */
export type Caller = { kind: 'user'; user: User } | { kind: 'bot'; bot: AgentBot };

/**
 * `bot`: on the agent-bot allow-list (README §0/§2) and open to any account member;
 * `member`: any user of the account (agent or administrator); `admin`: administrators only (Pundit policies).
 */
export type Access = 'bot' | 'member' | 'admin';

export interface FakeRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  caller: Caller;
  accountId: number | null;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}

export interface RouteContext {
  state: ChatwootState;
  actions: ChatwootActions;
}

export interface RouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** path template exactly as in Chatwoot's swagger (or the README for the few routes swagger lacks) */
  path: string;
  access: Access;
  /**
   * JSON Schema for the body when swagger has none or is contradicted by the code (README reference required);
   * otherwise the swagger requestBody schema is used.
   */
  bodySchemaOverride?: { schema: Record<string, unknown>; why: string };
  /** set (to the README section) for routes Chatwoot has but its swagger does not describe */
  readmeOnly?: string;
  handler: (req: FakeRequest, ctx: RouteContext) => FakeResponse;
}

/** Thrown by handlers; rendered as Chatwoot renders errors: `{"error": "<message>"}`. */
export class ChatwootHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = () => new ChatwootHttpError(404, 'Resource could not be found');

export function intParam(req: FakeRequest, name: string): number {
  const value = Number(req.params[name]);
  if (!Number.isInteger(value)) throw notFound();
  return value;
}

export function findConversation(req: FakeRequest, ctx: RouteContext): Conversation {
  const c = ctx.state.conversationByDisplayId(req.accountId ?? -1, intParam(req, 'conversation_id'));
  if (!c) throw notFound();
  return c;
}

export function actorOf(caller: Caller) {
  return caller.kind === 'bot' ? { kind: 'bot' as const, bot: caller.bot } : { kind: 'user' as const, user: caller.user };
}
