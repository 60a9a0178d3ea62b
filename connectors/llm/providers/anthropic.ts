import Anthropic from '@anthropic-ai/sdk';
import type { ProviderConfig } from '../config';
import type { AttemptOptions, NormalisedRequest, ProviderAdapter, ProviderDelta, ProviderResult, ToolCall } from '../types';
import { finishReasonFromAnthropic, inputTokensFromAnthropic, messageSchema, streamEventSchema, toAnthropicBody } from './anthropic-wire';

type AnthropicConfig = Extract<ProviderConfig, { kind: 'anthropic' }>;

/** Anthropic Messages through the official SDK, with its retries off (the router owns them). */
export class AnthropicAdapter implements ProviderAdapter {
  readonly id: string;
  readonly kind = 'anthropic' as const;
  private readonly client: Anthropic;

  constructor(config: AnthropicConfig) {
    this.id = config.id;
    this.client = new Anthropic({ apiKey: config.apiKey, baseURL: config.baseUrl, maxRetries: 0, timeout: 10 * 60_000 });
  }

  async chat(model: string, request: NormalisedRequest, { signal }: AttemptOptions): Promise<ProviderResult> {
    // The SDK's params type is a deep union; our body is built to its shape and checked by the wire schema on return.
    const raw = await this.client.messages.create({ ...toAnthropicBody(model, request), stream: false } as Anthropic.MessageCreateParamsNonStreaming, {
      signal,
    });
    const parsed = messageSchema.parse(raw);
    let text = '';
    const toolCalls: ToolCall[] = [];
    for (const block of parsed.content) {
      if (block.type === 'text') text += block.text;
      if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
    const inputTokens = inputTokensFromAnthropic(parsed.usage);
    const outputTokens = parsed.usage.output_tokens ?? 0;
    return {
      model: parsed.model ?? model,
      text,
      toolCalls,
      finishReason: finishReasonFromAnthropic(parsed.stop_reason),
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    };
  }

  async *stream(model: string, request: NormalisedRequest, { signal }: AttemptOptions): AsyncIterable<ProviderDelta> {
    const stream = await this.client.messages.create({ ...toAnthropicBody(model, request), stream: true } as Anthropic.MessageCreateParamsStreaming, {
      signal,
    });
    // Anthropic numbers content blocks (text and tool_use together); tool-call deltas are numbered among tool calls only.
    const toolIndexByBlock = new Map<number, number>();
    let inputTokens = 0;
    let outputTokens = 0;
    let streamedModel: string | undefined;
    for await (const rawEvent of stream) {
      const parsed = streamEventSchema.safeParse(rawEvent);
      if (!parsed.success) continue; // New event types are additive; unknown ones are skipped, as the API asks.
      const event = parsed.data;
      if (event.type === 'message_start') {
        streamedModel = event.message.model;
        inputTokens = inputTokensFromAnthropic(event.message.usage);
        outputTokens = event.message.usage.output_tokens ?? 0;
      } else if (event.type === 'content_block_start') {
        if (event.content_block.type === 'tool_use') {
          const index = toolIndexByBlock.size;
          toolIndexByBlock.set(event.index, index);
          yield { type: 'tool_call', index, id: event.content_block.id, name: event.content_block.name, argumentsDelta: '' };
        } else if (event.content_block.text) {
          yield { type: 'text', text: event.content_block.text };
        }
      } else if (event.type === 'content_block_delta') {
        if (event.delta.type === 'text_delta' && event.delta.text) yield { type: 'text', text: event.delta.text };
        const toolIndex = toolIndexByBlock.get(event.index);
        if (event.delta.type === 'input_json_delta' && toolIndex !== undefined) {
          yield { type: 'tool_call', index: toolIndex, argumentsDelta: event.delta.partial_json ?? '' };
        }
      } else if (event.type === 'message_delta') {
        if (event.usage?.output_tokens != null) outputTokens = event.usage.output_tokens;
        yield { type: 'usage', usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens } };
        yield { type: 'finish', finishReason: finishReasonFromAnthropic(event.delta.stop_reason), model: streamedModel };
      }
    }
  }
}
