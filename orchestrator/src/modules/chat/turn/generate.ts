import type { ChatMessage, ChatResult, ModelRouter, ToolCall, ToolDefinition } from '@atrium/connectors/llm';
import { startModelSpan } from '../../../platform/telemetry/spans';
import type { OutputGuard } from './output-guard';
import type { SafetyFlag, SafetyGate, ToolProvider, ToolTurnContext } from './ports';
import type { TurnEvent } from './types';

export interface GenerateInput {
  router: ModelRouter;
  messages: ChatMessage[];
  temperature: number;
  maxTokens: number;
  stream: boolean;
  guard: OutputGuard;
  gate: SafetyGate | null;
  /** The turn's record of safety flags: what the scan of a tool result finds is added here (and audited with the turn). */
  flags?: SafetyFlag[];
  tools?: { provider: ToolProvider; definitions: ToolDefinition[]; turn: ToolTurnContext; maxCalls: number };
  signal?: AbortSignal;
  user?: string;
}

export interface Generation {
  /** "provider:model" of the last model call. */
  model: string;
  provider: string;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number };
  costUsd: number;
  finishReason: ChatResult['finishReason'];
  toolCalls: { id: string; name: string; arguments: string; status: string }[];
  /** Time spent waiting for models (all rounds), so the turn can report what Atrium itself added. */
  modelMs: number;
}

/**
 * Model calls for one turn, with the pluggable tool loop: while the model asks for tools (and the
 * per-turn budget allows), run them through the provider, feed results back (scanned for injected
 * instructions like any other untrusted text), and call the model again. Text goes through the output
 * guard; streamed text is yielded as it is released. Router errors propagate to the turn.
 */
export async function* generate(input: GenerateInput): AsyncGenerator<TurnEvent, Generation> {
  const messages = [...input.messages];
  const outcome: Generation = {
    model: '',
    provider: '',
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    costUsd: 0,
    finishReason: 'stop',
    toolCalls: [],
    modelMs: 0,
  };
  let callsLeft = input.tools?.maxCalls ?? 0;
  for (;;) {
    const offerTools = input.tools && input.tools.definitions.length > 0 ? input.tools.definitions : undefined;
    const request = {
      messages,
      tools: offerTools,
      // Out of budget: the model must answer with what it has.
      toolChoice: offerTools ? (callsLeft > 0 ? ('auto' as const) : ('none' as const)) : undefined,
      temperature: input.temperature,
      maxTokens: input.maxTokens,
      signal: input.signal,
      user: input.user,
    };
    let result: ChatResult | undefined;
    const callStarted = performance.now();
    const span = startModelSpan(input.stream ? 'stream' : 'chat');
    try {
      if (input.stream) {
        for await (const delta of input.router.stream(request)) {
          if (delta.type === 'text') {
            const shown = input.guard.push(delta.text);
            if (shown) yield { type: 'delta', text: shown };
          } else if (delta.type === 'done') result = delta.result;
        }
      } else {
        result = await input.router.chat(request);
        input.guard.push(result.text);
      }
      if (!result) throw new Error('model stream ended without a result');
      const { provider, model, usage, finishReason, costUsd } = result;
      span.end({ provider, model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, finishReason, costUsd: costUsd ?? undefined });
    } catch (error) {
      span.fail(error);
      throw error;
    } finally {
      span.close(); // a stream abandoned by its consumer
    }
    outcome.modelMs += performance.now() - callStarted;
    outcome.model = `${result.provider}:${result.model}`;
    outcome.provider = result.provider;
    outcome.usage.inputTokens += result.usage.inputTokens;
    outcome.usage.outputTokens += result.usage.outputTokens;
    outcome.usage.totalTokens += result.usage.totalTokens;
    outcome.costUsd += result.costUsd ?? 0;
    outcome.finishReason = result.finishReason;
    if (!input.tools || result.toolCalls.length === 0 || callsLeft <= 0) break;
    messages.push({ role: 'assistant', content: result.text || null, toolCalls: result.toolCalls });
    for (const call of result.toolCalls) {
      callsLeft -= 1;
      yield* runTool(input, call, messages, outcome);
    }
  }
  const rest = input.guard.finish();
  if (rest && input.stream) yield { type: 'delta', text: rest };
  return outcome;
}

async function* runTool(input: GenerateInput, call: ToolCall, messages: ChatMessage[], outcome: Generation): AsyncGenerator<TurnEvent> {
  const tools = input.tools!;
  yield { type: 'tool_call', call: { id: call.id, name: call.name, arguments: call.arguments } };
  const result = await tools.provider.execute(tools.turn, call).catch((error: unknown) => ({
    status: 'error' as const,
    content: JSON.stringify({ error: error instanceof Error ? error.message : 'tool failed' }),
  }));
  let content = result.content;
  const scan = input.gate?.scan(content, 'tool');
  if (scan) {
    input.flags?.push(...scan.flags);
    for (const flag of scan.flags) yield { type: 'safety', flag };
    content = scan.blocked ? JSON.stringify({ error: 'tool output withheld by the safety policy' }) : scan.redacted;
  }
  outcome.toolCalls.push({ id: call.id, name: call.name, arguments: call.arguments, status: result.status });
  yield { type: 'tool_result', result: { id: call.id, name: call.name, status: result.status, content } };
  messages.push({ role: 'tool', toolCallId: call.id, content });
}
