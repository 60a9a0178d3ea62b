import { z } from 'zod';
import { priceSchema } from './pricing';

/**
 * Router configuration as plain data, so the orchestrator can build it from env/tenant settings and
 * validate it at boot. Model references are "providerId:model"; only the first colon separates, so
 * Ollama tags such as "ollama:llama3.1:8b" keep theirs.
 */

const providerId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'provider ids are lowercase letters, digits, _ or -');

export const providerConfigSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('openai'),
    id: providerId,
    apiKey: z.string().min(1),
    baseUrl: z.url().optional().describe('Override for proxies; defaults to the public OpenAI API'),
    organization: z.string().optional(),
  }),
  z.object({
    kind: z.literal('azure'),
    id: providerId,
    apiKey: z.string().min(1),
    endpoint: z.url().describe('https://<resource>.openai.azure.com'),
    apiVersion: z.string().min(1).default('2024-10-21'),
  }),
  z.object({
    kind: z.literal('openai-compatible'),
    id: providerId,
    baseUrl: z.url().describe('e.g. http://ollama:11434/v1, a vLLM or LiteLLM server'),
    apiKey: z.string().default('not-needed'),
  }),
  z.object({
    kind: z.literal('anthropic'),
    id: providerId,
    apiKey: z.string().min(1),
    baseUrl: z.url().optional(),
  }),
]);
export type ProviderConfig = z.output<typeof providerConfigSchema>;

export const modelRefSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}:.+$/, 'model references look like "provider:model"');

export function parseModelRef(ref: string): { provider: string; model: string } {
  const at = ref.indexOf(':');
  if (at <= 0 || at === ref.length - 1) throw new TypeError(`model reference "${ref}" is not "provider:model"`);
  return { provider: ref.slice(0, at), model: ref.slice(at + 1) };
}

export const routerConfigSchema = z
  .object({
    providers: z.array(providerConfigSchema).default([]),
    chain: z.array(modelRefSchema).default([]).describe('Default model chain, tried in order'),
    embeddingModel: modelRefSchema.optional(),
    timeoutMs: z.number().int().positive().default(30_000).describe('Per attempt; for streams, until the first delta and between deltas'),
    maxAttempts: z.number().int().min(1).max(5).default(2).describe('Tries per model before falling back'),
    backoffBaseMs: z.number().int().min(0).default(250),
    backoffMaxMs: z.number().int().min(0).default(4_000),
    maxRetryAfterMs: z.number().int().min(0).default(5_000).describe('A longer Retry-After falls back instead of waiting'),
    breakerFailures: z.number().int().min(1).default(5).describe('Consecutive failures that open a model breaker'),
    breakerHalfOpenAfterMs: z.number().int().min(1).default(30_000),
    prices: z.record(z.string(), priceSchema).default({}).describe('USD per million tokens, merged over the built-in table'),
  })
  .superRefine((config, issues) => {
    const ids = new Set<string>();
    for (const provider of config.providers) {
      if (ids.has(provider.id)) issues.addIssue({ code: 'custom', path: ['providers'], message: `duplicate provider id "${provider.id}"` });
      ids.add(provider.id);
    }
    const refs = [...config.chain, ...(config.embeddingModel ? [config.embeddingModel] : [])];
    for (const ref of refs) {
      const { provider } = parseModelRef(ref);
      if (!ids.has(provider)) issues.addIssue({ code: 'custom', path: ['chain'], message: `"${ref}" names unknown provider "${provider}"` });
    }
  });
export type RouterConfig = z.output<typeof routerConfigSchema>;
export type RouterConfigInput = z.input<typeof routerConfigSchema>;
