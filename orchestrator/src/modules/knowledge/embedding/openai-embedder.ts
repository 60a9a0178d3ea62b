import OpenAI, { AzureOpenAI } from 'openai';
import { AppError } from '../../../platform/errors';
import { normalize, type Embedder } from './embedder';

/**
 * OpenAI, Azure OpenAI and any OpenAI-compatible server (Ollama, vLLM, LiteLLM) through the official
 * SDK, which already retries 429/5xx with backoff. Inputs are sent in batches; vectors are normalised
 * so cosine distance behaves the same for every provider.
 */
export type RemoteProvider = 'openai' | 'azure' | 'openai-compatible';

export interface OpenAiEmbedderOptions {
  provider: RemoteProvider;
  model: string;
  dimensions: number;
  apiKey?: string;
  baseUrl?: string;
  azureEndpoint?: string;
  azureApiVersion?: string;
  timeoutMs: number;
  /** Inputs per request; OpenAI accepts up to 2048, smaller batches keep one failure cheap. */
  batchSize?: number;
}

/** Sizes of well-known models; text-embedding-3-* accept a smaller `dimensions` (Matryoshka), which we use above 2000 (HNSW's limit). */
export const KNOWN_MODEL_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 1536,
  'text-embedding-ada-002': 1536,
  'nomic-embed-text': 768,
  'mxbai-embed-large': 1024,
  'all-minilm': 384,
};

const supportsDimensionsParameter = (model: string) => model.startsWith('text-embedding-3');

export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const common = { timeout: options.timeoutMs, maxRetries: 3 };
  const client =
    options.provider === 'azure'
      ? new AzureOpenAI({ ...common, apiKey: options.apiKey, endpoint: options.azureEndpoint, apiVersion: options.azureApiVersion, deployment: options.model })
      : new OpenAI({ ...common, apiKey: options.apiKey ?? 'not-needed', baseURL: options.baseUrl });
  const batchSize = options.batchSize ?? 128;

  return {
    id: `${options.provider}:${options.model}`,
    dimensions: options.dimensions,
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const batch = texts.slice(i, i + batchSize).map((t) => (t.trim() === '' ? ' ' : t));
        let response: OpenAI.CreateEmbeddingResponse;
        try {
          response = await client.embeddings.create({
            model: options.model,
            input: batch,
            encoding_format: 'float',
            ...(supportsDimensionsParameter(options.model) ? { dimensions: options.dimensions } : {}),
          });
        } catch (cause) {
          throw new AppError('UPSTREAM_UNAVAILABLE', `The embedding provider ${options.provider} (${options.model}) failed: ${(cause as Error).message}`, {
            cause,
          });
        }
        const ordered = [...response.data].sort((a, b) => a.index - b.index);
        for (const item of ordered) {
          if (item.embedding.length !== options.dimensions) {
            throw new AppError(
              'UPSTREAM_BAD_RESPONSE',
              `${options.model} returned ${item.embedding.length}-dimensional vectors, configured for ${options.dimensions}: set EMBEDDINGS_DIMENSIONS=${item.embedding.length}`,
            );
          }
          vectors.push(normalize(Float32Array.from(item.embedding)));
        }
      }
      return vectors;
    },
  };
}
