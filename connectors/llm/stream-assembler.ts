import type { ChatMessage, FinishReason, ProviderDelta, ProviderResult, StreamDelta, ToolCall, Usage } from './types';

/** Rough tokens for text when a server streams no usage (some OpenAI-compatible servers): ~4 chars per token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function estimateUsage(input: ChatMessage[], output: string): Usage {
  const inputTokens = estimateTokens(input.map((message) => message.content ?? '').join('\n'));
  const outputTokens = estimateTokens(output);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated: true };
}

/**
 * Folds streamed deltas into the same result a non-streaming call returns: text concatenated,
 * tool-call fragments joined by index, the last usage and finish reason kept.
 */
export class StreamAssembler {
  private text = '';
  private readonly calls = new Map<number, ToolCall>();
  private usage: Partial<Usage> | undefined;
  private finishReason: FinishReason = 'other';
  private model: string | undefined;
  /** Whether the provider sent its finish marker; a stream that ends without one was cut short. */
  finished = false;

  constructor(private readonly input: ChatMessage[]) {}

  /** Records a delta; returns it when the caller should see it (text and tool-call fragments). */
  add(delta: ProviderDelta): StreamDelta | null {
    switch (delta.type) {
      case 'text':
        this.text += delta.text;
        return delta;
      case 'tool_call': {
        const call = this.calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
        if (delta.id) call.id = delta.id;
        if (delta.name) call.name = delta.name;
        call.arguments += delta.argumentsDelta;
        this.calls.set(delta.index, call);
        return delta;
      }
      case 'usage':
        this.usage = { ...this.usage, ...delta.usage };
        return null;
      case 'finish':
        this.finishReason = delta.finishReason;
        this.finished = true;
        this.model = delta.model ?? this.model;
        return null;
    }
  }

  result(): Omit<ProviderResult, 'model'> & { model: string | undefined } {
    const toolCalls = [...this.calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => ({ ...call, arguments: call.arguments || '{}' }));
    return { model: this.model, text: this.text, toolCalls, finishReason: this.finishReason, usage: this.finalUsage(toolCalls) };
  }

  private finalUsage(toolCalls: ToolCall[]): Usage {
    if (this.usage?.inputTokens !== undefined) {
      const inputTokens = this.usage.inputTokens;
      const outputTokens = this.usage.outputTokens ?? 0;
      return { inputTokens, outputTokens, totalTokens: this.usage.totalTokens ?? inputTokens + outputTokens };
    }
    return estimateUsage(this.input, this.text + toolCalls.map((call) => call.name + call.arguments).join(''));
  }
}
