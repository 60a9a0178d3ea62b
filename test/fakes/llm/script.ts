/**
 * What the fake LLM does for one request. Tests either queue replies (consumed in order) or add
 * rules matched on the API, the model and the last user message; anything unmatched gets the
 * deterministic default answer (see default-answer.ts).
 */

export type FakeApi = 'openai-chat' | 'anthropic-messages' | 'openai-embeddings';

interface Timing {
  /** Wait this long before sending the response headers. */
  delayMs?: number;
}

export interface FakeUsage {
  input?: number;
  output?: number;
}

export type FakeReply =
  | (Timing & {
      kind: 'text';
      text: string;
      usage?: FakeUsage;
      /** For streams: pause between chunks. */
      chunkDelayMs?: number;
      /** For streams: deltas of this many characters, cutting through words (default: one word per delta). */
      chunkChars?: number;
      /** For streams: drop the connection after this many frames (connection lost mid-answer). */
      cutAfterChunks?: number;
      /** For streams: stop sending after this many frames but keep the connection open (a stalled model). */
      stallAfterChunks?: number;
      finishReason?: 'stop' | 'length';
    })
  | (Timing & {
      kind: 'tool_calls';
      calls: { name: string; arguments: Record<string, unknown> | string; id?: string }[];
      text?: string;
      usage?: FakeUsage;
      chunkDelayMs?: number;
    })
  | (Timing & { kind: 'error'; status: number; retryAfterSeconds?: number; message?: string })
  | { kind: 'hang' }
  | (Timing & { kind: 'malformed'; variant?: 'json' | 'shape' });

export interface FakeMatch {
  api?: FakeApi | FakeApi[];
  model?: string | RegExp;
  lastUserMessage?: string | RegExp;
}

/** Builders so tests read as intent: `reply.error(429, { retryAfterSeconds: 1 })`. */
export const reply = {
  text: (text: string, options: Omit<Extract<FakeReply, { kind: 'text' }>, 'kind' | 'text'> = {}): FakeReply => ({ kind: 'text', text, ...options }),
  toolCall: (name: string, args: Record<string, unknown> | string = {}, options: { id?: string; text?: string; usage?: FakeUsage } = {}): FakeReply => ({
    kind: 'tool_calls',
    calls: [{ name, arguments: args, id: options.id }],
    text: options.text,
    usage: options.usage,
  }),
  toolCalls: (calls: Extract<FakeReply, { kind: 'tool_calls' }>['calls']): FakeReply => ({ kind: 'tool_calls', calls }),
  error: (status: number, options: { retryAfterSeconds?: number; message?: string; delayMs?: number } = {}): FakeReply => ({
    kind: 'error',
    status,
    ...options,
  }),
  hang: (): FakeReply => ({ kind: 'hang' }),
  malformed: (variant: 'json' | 'shape' = 'json'): FakeReply => ({ kind: 'malformed', variant }),
  slow: (delayMs: number, then: FakeReply): FakeReply => (then.kind === 'hang' ? then : { ...then, delayMs }),
};

export interface RequestFacts {
  api: FakeApi;
  model: string;
  lastUserMessage: string;
}

interface Rule {
  match: FakeMatch;
  reply: FakeReply;
  remaining: number;
}

function matches(match: FakeMatch, facts: RequestFacts): boolean {
  const apis = match.api === undefined ? undefined : Array.isArray(match.api) ? match.api : [match.api];
  if (apis && !apis.includes(facts.api)) return false;
  if (match.model !== undefined && !test(match.model, facts.model)) return false;
  if (match.lastUserMessage !== undefined && !test(match.lastUserMessage, facts.lastUserMessage)) return false;
  return true;
}

function test(pattern: string | RegExp, value: string): boolean {
  return typeof pattern === 'string' ? value === pattern : pattern.test(value);
}

export class Script {
  private queue: Rule[] = [];
  private rules: Rule[] = [];

  /** Replies used once each, in order, by the next matching requests. */
  enqueue(replies: FakeReply[], match: FakeMatch = {}): void {
    for (const item of replies) this.queue.push({ match, reply: item, remaining: 1 });
  }

  /** A standing rule: every matching request (or the next `times`) gets this reply. */
  on(match: FakeMatch, item: FakeReply, times = Number.POSITIVE_INFINITY): void {
    this.rules.push({ match, reply: item, remaining: times });
  }

  /** Queued replies first, then rules in the order they were added; undefined means "default answer". */
  next(facts: RequestFacts): FakeReply | undefined {
    for (const list of [this.queue, this.rules]) {
      const index = list.findIndex((rule) => matches(rule.match, facts));
      if (index === -1) continue;
      const rule = list[index]!;
      rule.remaining -= 1;
      if (rule.remaining <= 0) list.splice(index, 1);
      return rule.reply;
    }
    return undefined;
  }

  get pending(): number {
    return this.queue.length;
  }

  reset(): void {
    this.queue = [];
    this.rules = [];
  }
}
