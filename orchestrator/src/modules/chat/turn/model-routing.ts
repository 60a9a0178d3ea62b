import { createHash } from 'node:crypto';
import { assertOutboundUrl } from '@atrium/connectors/http';
import { ModelRouter, type ProviderConfig } from '@atrium/connectors/llm';
import type { Config } from '../../../platform/config';
import type { Logger } from '../../../platform/logger';
import type { TenantConfig } from '../../tenants';

type ChainEntry = TenantConfig['models']['chain'][number];

export interface ModelPlan {
  /** Null when no usable model is configured: the turn uses the offline extractive answerer. */
  router: ModelRouter | null;
  /** Whether "offline" appears in the chain: the extractive answerer is the last fallback. */
  offlineFallback: boolean;
  temperature: number;
  maxTokens: number;
}

/**
 * Routers are cached per process and per distinct configuration, so a model's circuit breaker
 * remembers failures across turns and tenants that share a provider share its health.
 */
const routers = new WeakMap<Config, Map<string, ModelRouter>>();

/** The platform's providers, from env. Tenant configs choose among them; they never carry platform keys. */
function platformProviders(config: Config): Map<string, ProviderConfig> {
  const providers = new Map<string, ProviderConfig>();
  if (config.OPENAI_API_KEY || config.OPENAI_BASE_URL) {
    providers.set('openai', {
      kind: config.OPENAI_API_KEY ? 'openai' : 'openai-compatible',
      id: 'openai',
      apiKey: config.OPENAI_API_KEY ?? 'not-needed',
      baseUrl: config.OPENAI_BASE_URL,
    } as ProviderConfig);
  }
  if (config.AZURE_OPENAI_API_KEY && config.AZURE_OPENAI_ENDPOINT) {
    providers.set('azure', {
      kind: 'azure',
      id: 'azure',
      apiKey: config.AZURE_OPENAI_API_KEY,
      endpoint: config.AZURE_OPENAI_ENDPOINT,
      apiVersion: config.AZURE_OPENAI_API_VERSION,
    });
  }
  if (config.ANTHROPIC_API_KEY) {
    providers.set('anthropic', { kind: 'anthropic', id: 'anthropic', apiKey: config.ANTHROPIC_API_KEY, baseUrl: config.ANTHROPIC_BASE_URL });
  }
  return providers;
}

function parseDefaultChain(config: Config): ChainEntry[] {
  return config.LLM_DEFAULT_CHAIN.map((ref) => {
    const at = ref.indexOf(':');
    return { provider: ref.slice(0, at) as ChainEntry['provider'], model: ref.slice(at + 1) };
  });
}

/**
 * Resolves one chain entry to a provider config and model reference, or null (with a warning) when the
 * platform has no credentials for it. An openai-compatible entry with its own base_url gets a provider of
 * its own and no API key: the platform's OpenAI key must never be sent to a tenant-chosen server.
 */
function resolveEntry(entry: ChainEntry, platform: Map<string, ProviderConfig>, config: Config): { provider: ProviderConfig; ref: string } | null {
  if (entry.provider === 'openai-compatible') {
    const baseUrl = entry.base_url ?? config.OPENAI_BASE_URL;
    if (!baseUrl) return null;
    // A tenant-chosen server is an outbound destination like any tool URL: no private or metadata addresses
    // unless the operator allows them (IP literals are refused here; names are not re-resolved per request).
    if (entry.base_url && entry.base_url !== config.OPENAI_BASE_URL) {
      try {
        assertOutboundUrl(entry.base_url, { allowPrivateNetworks: config.OUTBOUND_ALLOW_PRIVATE_NETWORKS });
      } catch {
        return null;
      }
    }
    const id =
      baseUrl === config.OPENAI_BASE_URL && platform.has('openai') ? 'openai' : `compat-${createHash('sha256').update(baseUrl).digest('hex').slice(0, 10)}`;
    const provider = id === 'openai' ? platform.get('openai')! : ({ kind: 'openai-compatible', id, baseUrl, apiKey: 'not-needed' } as ProviderConfig);
    return { provider, ref: `${id}:${entry.model}` };
  }
  const provider = platform.get(entry.provider);
  return provider ? { provider, ref: `${provider.id}:${entry.model}` } : null;
}

export function planModels(config: Config, models: TenantConfig['models'], log: Logger): ModelPlan {
  const entries = models.chain.length ? models.chain : parseDefaultChain(config);
  const platform = platformProviders(config);
  const providers = new Map<string, ProviderConfig>();
  const chain: string[] = [];
  for (const entry of entries) {
    if (entry.provider === 'offline') continue;
    const resolved = resolveEntry(entry, platform, config);
    if (!resolved) {
      log.warn({ provider: entry.provider, model: entry.model }, 'model in chain skipped: provider not configured on this platform');
      continue;
    }
    providers.set(resolved.provider.id, resolved.provider);
    chain.push(resolved.ref);
  }
  const plan = { offlineFallback: entries.some((entry) => entry.provider === 'offline'), temperature: models.temperature, maxTokens: models.max_output_tokens };
  if (chain.length === 0) return { ...plan, router: null };
  const timeoutMs = Math.min(models.timeout_ms, config.LLM_TIMEOUT_MS);
  const key = JSON.stringify({ chain, timeoutMs, providers: [...providers.values()] });
  let cache = routers.get(config);
  if (!cache) routers.set(config, (cache = new Map()));
  let router = cache.get(key);
  if (!router) {
    router = new ModelRouter({ providers: [...providers.values()], chain, timeoutMs });
    cache.set(key, router);
  }
  return { ...plan, router };
}
