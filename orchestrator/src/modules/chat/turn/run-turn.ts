import { createHash } from 'node:crypto';
import { LlmError } from '@atrium/connectors/llm';
import { AppError } from '../../../platform/errors';
import { ownerRefOf, type EscalationReason } from '../../conversations';
import { detectMemoryRequest } from '../../memory';
import { cachedTenantConfig, type TenantConfig } from '../../tenants';
import { answerExtractively } from './extractive-answerer';
import { generate, type Generation } from './generate';
import { retrieverFor, safetyGateFor } from './integrations';
import { combineToolProviders, memoryToolProvider } from './memory-tool';
import { planModels } from './model-routing';
import { OutputGuard } from './output-guard';
import { startEarly, type EarlyAnswer } from './early-answer';
import { finishTurn } from './finish-turn';
import { openTurn, readTurn, type OpenedTurn } from './persist-turn';
import { toolProviderOf, type SafetyFlag, type ToolProvider } from './ports';
import { buildGroundingPrompt, extractCitations, type PromptSource } from './prompt';
import { replies } from './replies';
import { scanRetrievedCached } from './scan-cache';
import { failedGeneration, recordTurnMetrics, type FailedGeneration } from './turn-metrics';
import type { AnsweredBy, TurnEvent, TurnInput, TurnResult } from './types';

/** What answering needs of an opened turn: everything but the stored rows, known before they are. */
type Prepared = Omit<OpenedTurn, 'conversation' | 'userMessage'>;

/** One turn's answering: its input (with the signal that also aborts an early model call) and what it decided. */
interface Answering {
  input: TurnInput;
  prepared: Prepared;
  /** The first transaction: tools wait for it, since they act on the stored conversation. */
  stored: Promise<OpenedTurn>;
  stream: boolean;
  ownerRef: string;
  flags: SafetyFlag[];
  registered: ToolProvider | null;
}

interface Reply {
  text: string;
  answeredBy: AnsweredBy;
  finishReason: TurnResult['finishReason'];
  noAnswer: boolean;
  escalate: EscalationReason | null;
  generation?: Generation;
  /** Every model failed (the reply came from a fallback): for the model-call metrics. */
  failed?: FailedGeneration;
  /** Whether the text was already streamed as deltas. */
  streamed: boolean;
}

/**
 * The turn every channel shares: safety in → memory → retrieval → model (or the offline answerer)
 * → safety out → persist → audit. Yields events as they happen; the last one is `done`. Provider
 * failures end in a graceful reply and, per tenant policy, an escalation: never an exception.
 */
export async function* turnEvents(input: TurnInput, stream: boolean): AsyncGenerator<TurnEvent> {
  const started = performance.now();
  const { ctx } = input;
  const question = input.messages.at(-1);
  if (!question || question.role !== 'user' || !question.content.trim()) {
    throw new AppError('VALIDATION', 'messages: the last message must be a non-empty user message');
  }
  const ownerRef = ownerRefOf(ctx.principal, input.endUser);
  // Config (cached per process) and the input scan come first (pure CPU), so retrieval and the tool
  // listing (usually a per-process cache hit) run while the first transaction stores the message: they are
  // independent, and none of them should sit on the path to the model's first token one after the other.
  const { config } = await cachedTenantConfig(ctx.services, ctx.tenant.id);
  const { gate } = safetyGateFor(config);
  const scanned = gate.scan(question.content, 'input');
  const needsSources = !scanned.blocked && !scanned.escalate && !detectMemoryRequest(question.content);
  const retrieval = needsSources ? retrieve(input, config, scanned.redacted) : Promise.resolve([]);
  const registered = needsSources && config.tools.enabled ? prelisted(input) : null;
  const screened = { config, gate, scanned };
  const flags: SafetyFlag[] = [...(scanned?.flags ?? [])];
  // Aborts a model call started before the turn was stored, when storing fails or a human owns it.
  const abort = new AbortController();
  const modelInput = { ...input, signal: input.signal ? AbortSignal.any([input.signal, abort.signal]) : abort.signal };
  let opened: OpenedTurn;
  let early: EarlyAnswer<Reply> | null = null;
  const sources: PromptSource[] = [];
  if (needsSources) {
    // The prompt needs only reads: they run beside openTurn's writes, and the model call starts as soon
    // as they and retrieval are in. Its output is held until the message is stored (never answer a turn
    // that was not stored), and a conversation a human owns (as read) gets no model call at all.
    const reads = readTurn(input, ownerRef, screened).catch(() => null);
    const writing = openTurn(input, question.content, ownerRef, screened, { reads: false });
    writing.catch(() => undefined); // awaited below; must not be unhandled while the reads finish
    const read = await reads;
    if (read && read.conversation?.owner !== 'human') {
      const prepared: Prepared = { config, gate, input: scanned, ...read, memoryRequest: null };
      const turn = { input: modelInput, prepared, stored: writing, stream, ownerRef, flags, registered };
      early = startEarly(modelPart(turn, retrieval, sources), writing);
    }
    try {
      const written = await writing;
      opened = { ...written, ...(read ?? (await readTurn(input, ownerRef, screened))), conversation: written.conversation };
    } catch (error) {
      abort.abort();
      throw error;
    }
  } else {
    opened = await openTurn(input, question.content, ownerRef, screened);
  }
  yield { type: 'conversation', conversationId: opened.conversation.id, userMessageId: opened.userMessage.id };
  for (const flag of flags.slice(0, scanned?.flags.length ?? 0)) yield { type: 'safety', flag };

  if (opened.conversation.owner === 'human') {
    abort.abort();
    recordTurnMetrics({ channel: opened.conversation.channel, answeredBy: 'human' });
    yield { type: 'done', result: silentResult(opened, started, flags) };
    return;
  }

  let reply: Reply;
  const canned = cannedReply(opened);
  if (canned) {
    reply = canned;
  } else if (early) {
    reply = yield* early.drain();
  } else {
    const turn = { input: modelInput, prepared: opened, stored: Promise.resolve(opened), stream, ownerRef, flags, registered };
    reply = yield* modelPart(turn, retrieval, sources);
  }

  if (stream && !reply.streamed && reply.text) yield { type: 'delta', text: reply.text };
  const citations = extractCitations(reply.text, sources);
  for (const citation of citations) yield { type: 'citation', citation };
  const usage = reply.generation?.usage ?? { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  const costUsd = reply.generation?.costUsd ?? 0;
  const model = reply.generation?.model || (reply.answeredBy === 'extractive' ? 'atrium:extractive' : null);
  const latencyMs = performance.now() - started;
  const persisted = await finishTurn({
    ctx,
    conversation: opened.conversation,
    userMessageId: opened.userMessage.id,
    text: reply.text,
    citations,
    model,
    provider: model ? model.slice(0, model.indexOf(':')) : null,
    usage,
    costUsd,
    latencyMs,
    safetyFlags: flags,
    toolCalls: reply.generation?.toolCalls ?? [],
    escalate: reply.escalate,
    answeredBy: reply.answeredBy,
    finishReason: reply.finishReason,
  });
  recordTurnMetrics({ channel: opened.conversation.channel, answeredBy: reply.answeredBy, generation: reply.generation, failed: reply.failed });
  yield {
    type: 'done',
    result: {
      conversationId: opened.conversation.id,
      userMessageId: opened.userMessage.id,
      messageId: persisted.messageId,
      text: reply.text,
      citations,
      finishReason: reply.finishReason,
      model,
      usage,
      costUsd,
      answeredBy: reply.answeredBy,
      escalated: persisted.escalated,
      noAnswer: reply.noAnswer,
      safety: flags,
      latencyMs,
      modelMs: reply.generation?.modelMs ?? 0,
    },
  };
}

/** Replies that need no retrieval or model: a blocked input, a topic for humans, a memory request. */
function cannedReply(opened: OpenedTurn): Reply | null {
  const base = { noAnswer: false, streamed: false, answeredBy: 'safety' as const };
  if (opened.input?.blocked) return { ...base, text: opened.input.refusal ?? replies.refused, finishReason: 'blocked', escalate: null };
  if (opened.input?.escalate) {
    const humanAsked = opened.input.flags.some((flag) => flag.kind === 'human_request');
    return { ...base, text: replies.handoff, finishReason: 'escalated', escalate: humanAsked ? 'human_request' : 'topic' };
  }
  if (opened.memoryRequest) {
    const text = opened.memoryRequest.stored ? replies.remembered : opened.config.memory.enabled ? replies.memoryNeedsConsent : replies.memoryOff;
    return { ...base, answeredBy: 'memory', text, finishReason: 'stop', escalate: null };
  }
  return null;
}

/** Retrieved sources through the safety gate (flags yielded as they are found), then the answer. */
async function* modelPart(turn: Answering, retrieval: Promise<PromptSource[]>, sources: PromptSource[]): AsyncGenerator<TurnEvent, Reply> {
  const { prepared, flags } = turn;
  const { policyKey } = safetyGateFor(prepared.config);
  for (const source of await retrieval) {
    const scan = prepared.gate ? scanRetrievedCached(prepared.gate, policyKey, source.text) : undefined;
    for (const flag of scan?.flags ?? []) {
      const tagged = { ...flag, chunkId: source.chunkId };
      flags.push(tagged);
      yield { type: 'safety', flag: tagged };
    }
    if (scan?.blocked) continue; // policy "drop": the chunk never reaches the prompt
    sources.push({ ...source, text: scan?.redacted ?? source.text, suspicious: scan?.flags.some((f) => f.kind === 'injection') ?? false });
  }
  return yield* answer(turn, sources);
}

async function retrieve(input: TurnInput, config: TenantConfig, query: string) {
  const { retrieval } = config;
  try {
    return await retrieverFor(input.ctx.services).retrieve(input.ctx, { query, topK: retrieval.top_k, minScore: retrieval.min_score });
  } catch (error) {
    // Retrieval trouble degrades the answer ("not in the knowledge base"), it does not fail the turn.
    input.ctx.log.warn({ err: error }, 'retrieval failed; answering without sources');
    return [];
  }
}

async function* answer(turn: Answering, sources: PromptSource[]): AsyncGenerator<TurnEvent, Reply> {
  const { input, prepared: opened, stored, stream, ownerRef, flags, registered } = turn;
  const { config } = opened;
  const plan = planModels(input.ctx.services.config, config.models, input.ctx.log);
  const escalation = config.escalation;
  if (!plan.router) return extractive(input, opened, sources);
  const tools = toolsFor(opened, ownerRef, registered, stored);
  const definitions = tools ? await tools.list({ ctx: input.ctx, endUser: input.endUser }) : [];
  const guard = new OutputGuard(opened.gate, { stripMarker: true });
  const modelStarted = performance.now();
  try {
    const generation = yield* generate({
      router: plan.router,
      messages: buildGroundingPrompt({
        assistant: config.assistant,
        sources,
        memories: opened.memories,
        history: opened.history,
        question: opened.input?.redacted ?? input.messages.at(-1)!.content,
        integratorInstructions: input.messages.filter((m) => m.role === 'system').map((m) => m.content),
        memoryToolAvailable: definitions.some((tool) => tool.name === 'save_memory'),
      }),
      temperature: plan.temperature,
      maxTokens: plan.maxTokens,
      stream,
      guard,
      gate: opened.gate,
      flags,
      tools:
        tools && definitions.length
          ? {
              provider: tools,
              definitions,
              // The conversation id is filled in by toolsFor once the turn is stored.
              turn: { ctx: input.ctx, conversationId: '', endUser: input.endUser },
              maxCalls: config.tools.max_calls_per_turn,
            }
          : undefined,
      signal: input.signal,
      // Providers get a stable pseudonym for abuse monitoring, never the subject or end-user id itself.
      user: createHash('sha256').update(`${input.ctx.tenant.id}:${ownerRef}`).digest('hex').slice(0, 32),
    });
    flags.push(...guard.flags);
    const blocked = guard.blocked && !stream;
    return {
      text: blocked ? replies.outputWithheld : guard.text.trim() || replies.empty,
      answeredBy: 'model',
      finishReason: guard.blocked ? 'content_filter' : generation.finishReason === 'other' ? 'stop' : generation.finishReason,
      noAnswer: guard.noAnswer,
      escalate: guard.noAnswer && escalation.on_no_answer ? 'no_answer' : null,
      generation,
      streamed: stream,
    };
  } catch (error) {
    if (!(error instanceof LlmError)) throw error;
    flags.push(...guard.flags);
    const reply = yield* modelFailed(input, opened, sources, guard, plan.offlineFallback, error, stream);
    // A client that went away is not a model failure.
    const failed = error.code === 'REQUEST_ABORTED' ? undefined : failedGeneration(error, (performance.now() - modelStarted) / 1000);
    return { ...reply, failed };
  }
}

async function* modelFailed(
  input: TurnInput,
  opened: Prepared,
  sources: PromptSource[],
  guard: OutputGuard,
  offlineFallback: boolean,
  error: LlmError,
  stream: boolean,
): AsyncGenerator<TurnEvent, Reply> {
  const aborted = error.code === 'REQUEST_ABORTED';
  if (!aborted) input.ctx.log.warn({ code: error.code, attempts: error.details?.attempts }, 'every model failed; answering without one');
  const shown = guard.text;
  if (shown) {
    // Part of the answer already reached the user: finish it honestly instead of starting over.
    const tail = aborted ? '' : `\n\n${replies.interrupted}`;
    if (stream && tail) yield { type: 'delta', text: tail };
    return {
      text: shown + tail,
      answeredBy: 'model',
      finishReason: 'interrupted',
      noAnswer: false,
      escalate: aborted ? null : 'model_failure',
      streamed: true,
    };
  }
  if (offlineFallback && !aborted) return extractive(input, opened, sources);
  const escalate = !aborted && opened.config.escalation.on_failure;
  return {
    text: escalate ? replies.modelsDownEscalated : replies.modelsDown,
    answeredBy: 'fallback',
    finishReason: aborted ? 'interrupted' : 'stop',
    noAnswer: false,
    escalate: escalate ? 'model_failure' : null,
    streamed: false,
  };
}

function extractive(input: TurnInput, opened: Prepared, sources: PromptSource[]): Reply {
  const found = answerExtractively(input.messages.at(-1)!.content, sources);
  const escalate = found.noAnswer && opened.config.escalation.on_no_answer;
  return {
    text: escalate ? `${found.text} ${replies.handoffAfterNoAnswer}` : found.text,
    answeredBy: 'extractive',
    finishReason: 'stop',
    noAnswer: found.noAnswer,
    escalate: escalate ? 'no_answer' : null,
    streamed: false,
  };
}

function toolsFor(opened: Prepared, ownerRef: string, registered: ToolProvider | null, stored: Promise<OpenedTurn>): ToolProvider | null {
  const providers: ToolProvider[] = [];
  if (opened.memoryAllowedNow) providers.push(memoryToolProvider(ownerRef, opened.config.memory));
  if (registered) providers.push(registered);
  if (!providers.length) return null;
  const combined = combineToolProviders(providers);
  // A tool runs only for a stored turn: it waits for the first transaction (and its conversation id).
  return {
    list: (turn) => combined.list(turn),
    execute: async (turn, call) => combined.execute({ ...turn, conversationId: (await stored).conversation.id }, call),
  };
}

/** The registered tool provider with its list already asked for (cached per process; a read on a miss), so listing overlaps the first transaction. */
function prelisted(input: TurnInput): ToolProvider | null {
  const provider = input.toolProvider ?? toolProviderOf(input.ctx.services);
  if (!provider) return null;
  const listing = provider.list({ ctx: input.ctx, endUser: input.endUser });
  // Awaited by answer(); a turn that ends before (a human owns the conversation) must not leave it unhandled.
  listing.catch(() => undefined);
  return { list: () => listing, execute: (turn, call) => provider.execute(turn, call) };
}

function silentResult(opened: OpenedTurn, started: number, flags: SafetyFlag[]): TurnResult {
  return {
    conversationId: opened.conversation.id,
    userMessageId: opened.userMessage.id,
    messageId: null,
    text: '',
    citations: [],
    finishReason: 'escalated',
    model: null,
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    costUsd: 0,
    answeredBy: 'human',
    escalated: true,
    noAnswer: false,
    safety: flags,
    latencyMs: performance.now() - started,
    modelMs: 0,
  };
}

/**
 * The engine as a function for every channel. Plain: resolves to the finished turn. Streaming: an async
 * iterable of events ending with `done`; keep iterating after the client leaves (the signal aborts the
 * model) so the turn is still persisted.
 */
export function runTurn(input: TurnInput & { stream: true }): AsyncGenerator<TurnEvent>;
export function runTurn(input: TurnInput & { stream?: false }): Promise<TurnResult>;
export function runTurn(input: TurnInput & { stream?: boolean }): AsyncGenerator<TurnEvent> | Promise<TurnResult> {
  if (input.stream) return turnEvents(input, true);
  return (async () => {
    for await (const event of turnEvents(input, false)) if (event.type === 'done') return event.result;
    throw new Error('turn ended without a result');
  })();
}
