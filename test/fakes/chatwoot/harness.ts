import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestAtrium, type TestAtrium } from '../../support/app';
import { bearer, buildApiKey, buildTenant } from '../../factories';
import type { TenantRef } from '../../../orchestrator/src/platform/http/context';
import { setTurnEngine, type TurnEngine, type TurnInput, type TurnOutcome } from '../../../orchestrator/src/modules/chatwoot';
import { startFakeChatwoot, type AgentBot, type Conversation, type FakeChatwoot, type FakeChatwootOptions, type Message } from './index';

/**
 * A real Atrium (own PostgreSQL database, real HTTP server on 127.0.0.1) wired to the fake Chatwoot through the
 * public setup API, for the Chatwoot bridge's tests and benchmark.
 */
export interface ChatwootHarness {
  atrium: TestAtrium;
  fake: FakeChatwoot;
  atriumUrl: string;
  tenant: TenantRef;
  adminKey: string;
  integrationId: string;
  bot: AgentBot;
  engine: ScriptedEngine;
  /** messages the bot posted publicly in a conversation */
  botReplies(conversation: Conversation): Message[];
  privateNotes(conversation: Conversation): Message[];
  waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  /** lets in-flight deliveries and jobs finish (bounded), for "nothing happened" assertions */
  quiesce(ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Stands in for the chat pipeline's `runTurn` (the bridge's seam, see turn-engine.ts): answers from a tiny
 * fixed knowledge base with citations, and hands off the way the pipeline would. `decide` can be replaced.
 */
export class ScriptedEngine implements TurnEngine {
  readonly calls: TurnInput[] = [];
  delayMs = 0;
  /** while set, turns wait for it (tests hold a turn open deterministically) */
  gate: Promise<void> | undefined;
  decide: (text: string) => TurnOutcome | Promise<TurnOutcome> = defaultDecision;

  async runTurn(input: TurnInput): Promise<TurnOutcome> {
    this.calls.push(input);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.gate) await this.gate;
    return this.decide(input.customerMessages.join('\n'));
  }
}

const REFUND_DOC = { title: 'Refund policy', url: 'https://help.example.com/refunds', snippet: 'Refunds are issued within 14 days.' };

function defaultDecision(text: string): TurnOutcome {
  const t = text.toLowerCase();
  if (t.includes('crash the pipeline')) throw new Error('model provider exploded');
  if (/human|person|mensch|humain|persona|agent/.test(t)) return { kind: 'handoff', reason: 'customer_request', tried: ['detected a request for a person'] };
  if (t.includes('cancel')) return { kind: 'handoff', reason: 'topic_policy', detail: 'cancellation', tried: ['topic policy: cancellations go to people'] };
  if (t.includes('wire')) return { kind: 'handoff', reason: 'tool_approval', detail: 'bank_transfer', draft: 'I have prepared the transfer for approval.' };
  if (t.includes('refund')) {
    return {
      kind: 'answer',
      text: 'Refunds are issued within 14 days of your request.',
      citations: [REFUND_DOC],
      quickReplies: ['Start a refund', 'Talk to a person'],
    };
  }
  if (t.includes('hello') || t.includes('hi')) return { kind: 'answer', text: 'Hello! How can I help you today?', citations: [] };
  return { kind: 'handoff', reason: 'no_answer', summary: text, tried: ['searched the knowledge base: nothing relevant'], citations: [] };
}

export async function startChatwootHarness(
  options: { env?: Record<string, string>; fake?: FakeChatwootOptions; connect?: Record<string, unknown>; engine?: 'scripted' | 'pipeline' } = {},
): Promise<ChatwootHarness> {
  const fake = await startFakeChatwoot({ botRetryDelayMs: 20, ...options.fake });
  const port = await freePort();
  const atriumUrl = `http://127.0.0.1:${port}`;
  const atrium = await createTestAtrium({ env: { PUBLIC_URL: atriumUrl, CHATWOOT_COALESCE_MS: '0', ...options.env } });
  const server: Server = createServer(atrium.app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const engine = new ScriptedEngine();
  if ((options.engine ?? 'scripted') === 'scripted') setTurnEngine(atrium.services, engine); // else: the real chat pipeline
  const tenant = await buildTenant(atrium.services);
  const { key } = await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] });
  const res = await atrium.http
    .post('/v1/integrations/chatwoot')
    .set(bearer(key))
    .send({
      base_url: fake.url,
      account_id: fake.account.id,
      admin_token: fake.admin.accessToken,
      inbox_ids: [fake.inbox.id],
      ...options.connect,
    });
  if (res.status !== 201) throw new Error(`connecting the fake Chatwoot failed: ${res.status} ${JSON.stringify(res.body)}`);
  const bot = fake.state.agentBots.get(res.body.agent_bot_id as number)!;

  const waitFor: ChatwootHarness['waitFor'] = async (probe, what, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const publicBy = (c: Conversation, type: 'AgentBot') => fake.messagesOf(c).filter((m) => m.senderType === type && !m.private);
  return {
    atrium,
    fake,
    atriumUrl,
    tenant,
    adminKey: key,
    integrationId: res.body.id as string,
    bot,
    engine,
    waitFor,
    botReplies: (c) => publicBy(c, 'AgentBot'),
    privateNotes: (c) => fake.messagesOf(c).filter((m) => m.private),
    async quiesce(ms = 400) {
      await fake.settle();
      await new Promise((r) => setTimeout(r, ms));
      await fake.settle();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await fake.close();
      await atrium.close();
    },
  };
}
