import OpenAI, { AzureOpenAI } from 'openai';
import type { ProviderConfig } from '../config';
import { LlmError } from '../errors';
import { estimateUsage } from '../stream-assembler';
import type { AttemptOptions, NormalisedRequest, ProviderAdapter, ProviderDelta, ProviderResult } from '../types';
import { chunkSchema, completionSchema, embeddingsSchema, finishReasonFromOpenAi, toOpenAiBody, usageFromOpenAi } from './openai-wire';

type OpenAiFamily = Extract<ProviderConfig, { kind: 'openai' | 'azure' | 'openai-compatible' }>;

/** How many inputs go into one embeddings request (OpenAI allows 2048; smaller keeps bodies modest). */
const EMBED_BATCH = 256;

/**
 * OpenAI, Azure OpenAI and any OpenAI-compatible server through the official `openai` SDK.
 * The SDK's own retries are off: the router owns retries, fallback and the breaker.
 */
export class OpenAiAdapter implements ProviderAdapter {
  readonly id: string;
  readonly kind: OpenAiFamily['kind'];
  private readonly client: OpenAI;

  constructor(config: OpenAiFamily) {
    this.id = config.id;
    this.kind = config.kind;
    const common = { maxRetries: 0, timeout: 10 * 60_000 };
    if (config.kind === 'azure') {
      // Without a fixed deployment the SDK puts `model` into /openai/deployments/{model}/…,
      // so a model reference "azure:<deployment>" selects the deployment.
      this.client = new AzureOpenAI({ ...common, endpoint: config.endpoint, apiKey: config.apiKey, apiVersion: config.apiVersion });
    } else if (config.kind === 'openai') {
      this.client = new OpenAI({ ...common, apiKey: config.apiKey, baseURL: config.baseUrl, organization: config.organization });
    } else {
      this.client = new OpenAI({ ...common, apiKey: config.apiKey, baseURL: config.baseUrl });
    }
  }

  /** Compatible servers still expect the classic field; OpenAI's newer models only take the new one. */
  private get maxTokensField() {
    return this.kind === 'openai-compatible' ? ('max_tokens' as const) : ('max_completion_tokens' as const);
  }

  async chat(model: string, request: NormalisedRequest, { signal }: AttemptOptions): Promise<ProviderResult> {
    const body = toOpenAiBody(model, request, this.maxTokensField);
    const raw = await this.client.chat.completions.create({ ...body, stream: false }, { signal });
    const parsed = completionSchema.parse(raw);
    const choice = parsed.choices[0]!;
    const text = choice.message.content ?? '';
    const toolCalls = (choice.message.tool_calls ?? []).map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments || '{}' }));
    return {
      model: parsed.model ?? model,
      text,
      toolCalls,
      finishReason: finishReasonFromOpenAi(choice.finish_reason),
      usage: usageFromOpenAi(parsed.usage) ?? estimateUsage(request.messages, text + toolCalls.map((call) => call.name + call.arguments).join('')),
    };
  }

  async *stream(model: string, request: NormalisedRequest, { signal }: AttemptOptions): AsyncIterable<ProviderDelta> {
    const body = toOpenAiBody(model, request, this.maxTokensField);
    const stream = await this.client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal });
    for await (const rawChunk of stream) {
      const chunk = chunkSchema.parse(rawChunk);
      for (const choice of chunk.choices) {
        if (choice.delta?.content) yield { type: 'text', text: choice.delta.content };
        for (const call of choice.delta?.tool_calls ?? []) {
          yield {
            type: 'tool_call',
            index: call.index,
            ...(call.id ? { id: call.id } : {}),
            ...(call.function?.name ? { name: call.function.name } : {}),
            argumentsDelta: call.function?.arguments ?? '',
          };
        }
        if (choice.finish_reason) yield { type: 'finish', finishReason: finishReasonFromOpenAi(choice.finish_reason), model: chunk.model };
      }
      const usage = usageFromOpenAi(chunk.usage);
      if (usage) yield { type: 'usage', usage };
    }
  }

  async embed(model: string, texts: string[], { signal, dimensions }: AttemptOptions & { dimensions?: number }) {
    const vectors: number[][] = [];
    let inputTokens = 0;
    for (let start = 0; start < texts.length; start += EMBED_BATCH) {
      const input = texts.slice(start, start + EMBED_BATCH);
      // 'float' explicitly: the SDK otherwise asks for base64, which several compatible servers lack.
      const raw = await this.client.embeddings.create({ model, input, encoding_format: 'float', ...(dimensions ? { dimensions } : {}) }, { signal });
      const parsed = embeddingsSchema.parse(raw);
      if (parsed.data.length !== input.length) {
        throw new LlmError('UPSTREAM_BAD_RESPONSE', `${this.id}:${model} returned ${parsed.data.length} embeddings for ${input.length} inputs`);
      }
      for (const item of [...parsed.data].sort((a, b) => a.index - b.index)) vectors.push(item.embedding);
      inputTokens += parsed.usage?.prompt_tokens ?? 0;
    }
    return { vectors, inputTokens };
  }
}
