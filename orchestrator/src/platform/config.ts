import { z } from 'zod';

/**
 * The one place Atrium reads its environment. Parsed once at boot and frozen; every key is described
 * so `atrium config --help`, `.env.example` and the docs are generated from this schema.
 */
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export const configSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('Runtime mode. Production refuses the embedded OIDC issuer and demo seeding.'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('HTTP port of the API.'),
  HOST: z.string().default('127.0.0.1').describe('Interface the API binds to (0.0.0.0 inside containers).'),
  PUBLIC_URL: z.string().url().optional().describe('Public base URL of the API (used in webhook URLs and links). Defaults to http://HOST:PORT.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Minimum log level. Message bodies are only logged at debug/trace.'),
  DATABASE_URL: z
    .string()
    .optional()
    .describe('PostgreSQL URL the application connects with (a non-superuser role, e.g. atrium_app). Unset: embedded PGlite under ATRIUM_DATA_DIR.'),
  DATABASE_MIGRATION_URL: z.string().optional().describe('PostgreSQL URL of the schema owner used for migrations. Defaults to DATABASE_URL.'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10).describe('Maximum connections in the PostgreSQL pool.'),
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('atrium_app')
    .describe('Role the application runs as; row-level security applies to it.'),
  REDIS_URL: z.string().optional().describe('Redis URL for BullMQ queues, rate limits and live events. Unset: in-process queue and event bus.'),
  ATRIUM_DATA_DIR: z.string().default('.atrium-data').describe('Folder for the embedded database and generated local secrets.'),
  ATRIUM_ADMIN_API_KEY: z.string().min(24).optional().describe('Platform-admin API key for automation (Bearer). At least 24 characters.'),
  ATRIUM_ENCRYPTION_KEY: z
    .string()
    .optional()
    .describe('Base64 32-byte key for AES-256-GCM encryption of integration secrets. Embedded mode generates one in ATRIUM_DATA_DIR.'),
  ATRIUM_ENCRYPTION_KEYS_OLD: list.default([]).describe('Comma-separated previous encryption keys, still accepted for decryption during rotation.'),
  CORS_ORIGINS: list.default([]).describe('Comma-separated origins allowed by CORS (e.g. the shell URL).'),
  BODY_LIMIT: z.string().default('1mb').describe('Maximum JSON body size; larger bodies get 413 PAYLOAD_TOO_LARGE.'),
  UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * 1024 * 1024)
    .describe('Maximum size of an uploaded knowledge file.'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8).describe('Jobs processed concurrently per worker process and queue.'),
  RUN_WORKER_IN_API: bool.default(true).describe('Run the job worker inside the API process (embedded and single-node setups).'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(15_000).describe('How long graceful shutdown waits for running jobs and requests.'),
  OIDC_ISSUER_URL: z
    .string()
    .url()
    .optional()
    .describe('Keycloak realm URL (issuer), e.g. http://127.0.0.1:8180/realms/atrium. Unset outside production: the embedded dev issuer.'),
  OIDC_ADDITIONAL_ISSUERS: list.default([]).describe('Further trusted issuers (comma-separated), e.g. a second public hostname of the same realm.'),
  OIDC_AUDIENCE: z.string().default('atrium-api').describe('Audience an access token must carry.'),
  OIDC_ALGORITHMS: list.default(['RS256', 'PS256', 'ES256']).describe('Accepted token signature algorithms (asymmetric only).'),
  OIDC_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30).describe('Tolerated clock skew for exp/nbf.'),
  KEYCLOAK_ADMIN_CLIENT_ID: z.string().default('atrium-sync').describe('Service-account client used to read users and groups from Keycloak.'),
  KEYCLOAK_ADMIN_CLIENT_SECRET: z.string().optional().describe('Secret of KEYCLOAK_ADMIN_CLIENT_ID. Unset: Keycloak sync is off.'),
  KEYCLOAK_SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(300).describe('Full Keycloak sync period.'),
  KEYCLOAK_EVENTS_POLL_SECONDS: z.coerce
    .number()
    .int()
    .min(2)
    .max(3600)
    .default(15)
    .describe('How often Keycloak admin events are polled to apply user/group changes between full syncs.'),
  OPENAI_API_KEY: z.string().optional().describe('OpenAI API key. Unset and no other provider: the offline extractive answerer.'),
  OPENAI_BASE_URL: z.string().url().optional().describe('OpenAI-compatible base URL (Ollama, vLLM, LiteLLM).'),
  AZURE_OPENAI_API_KEY: z.string().optional().describe('Azure OpenAI key.'),
  AZURE_OPENAI_ENDPOINT: z.string().url().optional().describe('Azure OpenAI endpoint.'),
  AZURE_OPENAI_API_VERSION: z.string().default('2024-10-21').describe('Azure OpenAI API version.'),
  ANTHROPIC_API_KEY: z.string().optional().describe('Anthropic API key.'),
  ANTHROPIC_BASE_URL: z.string().url().optional().describe('Anthropic base URL override (tests, proxies).'),
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000).describe('Per-attempt model call timeout.'),
  LLM_DEFAULT_CHAIN: list
    .default([])
    .describe(
      'Platform default model chain ("provider:model", comma-separated, e.g. openai:gpt-4o-mini,anthropic:claude-haiku-4-5) for tenants whose config names no models. Empty: such tenants get the offline extractive answerer.',
    ),
  EMBEDDINGS_PROVIDER: z
    .enum(['offline', 'openai', 'azure', 'openai-compatible'])
    .default('offline')
    .describe('Embedding provider; offline needs no network and no model download.'),
  EMBEDDINGS_MODEL: z.string().optional().describe('Embedding model name for a remote provider.'),
  EMBEDDINGS_DIMENSIONS: z.coerce
    .number()
    .int()
    .min(8)
    .max(2000)
    .optional()
    .describe(
      "Embedding vector size (offline default 512; remote: the model's size, required for models Atrium does not know). Changing it re-embeds every document.",
    ),
  KNOWLEDGE_HNSW_EF_SEARCH: z.coerce
    .number()
    .int()
    .min(10)
    .max(1000)
    .default(150)
    .describe(
      'HNSW candidate list size per vector search (pgvector hnsw.ef_search): higher finds more of the true nearest chunks, slower. bench:retrieval at 100k chunks, recall@10: 100 → 0.95–0.96, 150 → 0.98, 200 → 0.98.',
    ),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600).describe('Requests per minute per API key or user.'),
  RATE_LIMIT_TENANT_PER_MINUTE: z.coerce.number().int().min(1).default(3000).describe('Requests per minute per tenant.'),
  OUTBOUND_ALLOW_PRIVATE_NETWORKS: bool
    .default(false)
    .describe('Allow operator-supplied URLs (tools, crawls, webhooks) to reach private/loopback addresses. Dev and tests only.'),
  N8N_BASE_URL: z.string().url().optional().describe('n8n base URL for tool workflows.'),
  N8N_API_KEY: z.string().optional().describe('n8n public API key (workflow import/bootstrap).'),
  N8N_WEBHOOK_SECRET: z.string().optional().describe('Shared secret used to HMAC-sign tool calls to n8n webhooks.'),
  WEBHOOK_DISPATCH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(600_000)
    .default(2000)
    .describe('How often the outbound-webhook outbox is swept for due deliveries.'),
  WEBHOOK_RETRY_BASE_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(5000)
    .describe('First retry delay of a failed outbound webhook delivery; each retry waits 5x longer (8 attempts).'),
  APPROVAL_EXPIRY_SWEEP_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(30_000)
    .describe('How often submitted approvals past their expiry are marked expired.'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional().describe('OTLP endpoint for traces. Unset: tracing off.'),
  CHATWOOT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(500)
    .max(60_000)
    .default(10_000)
    .describe('Per-attempt timeout of calls to Chatwoot (replies, handoffs, setup).'),
  CHATWOOT_SIGNATURE_TOLERANCE_SECONDS: z.coerce
    .number()
    .int()
    .min(30)
    .max(3600)
    .default(300)
    .describe('Maximum age of a signed Chatwoot delivery (X-Chatwoot-Timestamp); older or future ones get 401.'),
  CHATWOOT_COALESCE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(300)
    .describe('How long the bot waits after a customer message for more messages, to answer a burst once.'),
  SEED_DEMO: bool.default(false).describe('Seed a demo tenant, documents and API key at start (embedded default turns it on).'),
});

export type Config = Readonly<z.infer<typeof configSchema>> & { readonly embedded: boolean; readonly publicUrl: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment (or an override map) into a frozen Config, collecting every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Record<string, string> = {}): Config {
  const cleaned = Object.fromEntries(Object.entries({ ...env, ...overrides }).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (c.NODE_ENV === 'production' && !c.DATABASE_URL) problems.push('DATABASE_URL: required in production (embedded PGlite is for development)');
  if (c.NODE_ENV === 'production' && !c.OIDC_ISSUER_URL) problems.push('OIDC_ISSUER_URL: required in production (the embedded issuer is refused)');
  if (c.NODE_ENV === 'production' && !c.ATRIUM_ENCRYPTION_KEY) problems.push('ATRIUM_ENCRYPTION_KEY: required in production');
  // A shared-secret algorithm would let anyone holding the issuer's public key mint tokens (algorithm confusion).
  const symmetric = c.OIDC_ALGORITHMS.filter((a) => !/^((RS|PS|ES)(256|384|512)|EdDSA)$/.test(a));
  if (symmetric.length) problems.push(`OIDC_ALGORITHMS: asymmetric algorithms only (RS*, PS*, ES*, EdDSA), not ${symmetric.join(', ')}`);
  if (c.ATRIUM_ENCRYPTION_KEY && Buffer.from(c.ATRIUM_ENCRYPTION_KEY, 'base64').length !== 32) {
    problems.push('ATRIUM_ENCRYPTION_KEY: must be 32 bytes, base64-encoded (openssl rand -base64 32)');
  }
  if (problems.length) throw new ConfigError(problems);
  const publicUrl = c.PUBLIC_URL ?? `http://${c.HOST === '0.0.0.0' ? '127.0.0.1' : c.HOST}:${c.PORT}`;
  return Object.freeze({ ...c, embedded: !c.DATABASE_URL, publicUrl });
}

/** `atrium serve --embedded` (npm start): seed the demo tenant unless a real database is configured or SEED_DEMO says otherwise. */
export function embeddedServeOverrides(env: Record<string, string | undefined> = process.env): Record<string, string> {
  return env.DATABASE_URL ? {} : { SEED_DEMO: env.SEED_DEMO ?? 'true' };
}

/** Renders `.env.example` from the schema so the two can never drift. */
export function renderEnvExample(): string {
  const lines = ['# Generated from orchestrator/src/platform/config.ts — `npm run atrium -- config env-example`', ''];
  for (const [key, schema] of Object.entries(configSchema.shape)) {
    const description = (schema as z.ZodType).description ?? '';
    const dflt = (schema as z.ZodType).safeParse(undefined);
    const value = dflt.success && dflt.data !== undefined ? (Array.isArray(dflt.data) ? dflt.data.join(',') : String(dflt.data)) : '';
    lines.push(`# ${description}`, `${value ? '' : '# '}${key}=${value}`, '');
  }
  return lines.join('\n');
}
