import { z } from 'zod';

/**
 * The tenant's versioned configuration (tenant_config_versions). Every later capability reads its
 * section from here; unknown keys are refused so typos fail validation instead of being ignored.
 * Defaults make an empty object a complete, safe configuration.
 */
const modelRef = z.strictObject({
  provider: z.enum(['openai', 'azure', 'anthropic', 'openai-compatible', 'offline']).describe('Which provider serves this model.'),
  model: z.string().min(1).max(200).describe('Model or Azure deployment name.'),
  base_url: z.string().url().optional().describe('For openai-compatible servers (Ollama, vLLM, LiteLLM).'),
});

const dlpRule = z.strictObject({
  name: z.string().min(1).max(100),
  pattern: z.string().min(1).max(500).describe('JavaScript regular expression (no flags); validated on save.'),
  action: z.enum(['redact', 'block', 'warn']),
  applies_to: z.array(z.enum(['input', 'output'])).default(['input', 'output']),
});

export const tenantConfigSchema = z.strictObject({
  assistant: z
    .strictObject({
      name: z.string().min(1).max(80).default('Atrium'),
      system_prompt: z.string().max(8000).default('You are a helpful support assistant. Answer only from the provided sources and cite them.'),
      response_style: z.enum(['concise', 'friendly', 'formal', 'detailed']).default('friendly'),
      language: z.string().max(20).default('auto').describe('Reply language, or "auto" to answer in the customer\'s language.'),
    })
    .default({
      name: 'Atrium',
      system_prompt: 'You are a helpful support assistant. Answer only from the provided sources and cite them.',
      response_style: 'friendly',
      language: 'auto',
    }),
  models: z
    .strictObject({
      chain: z.array(modelRef).max(5).default([]).describe('Models tried in order; empty = offline extractive answerer.'),
      temperature: z.number().min(0).max(2).default(0.2),
      max_output_tokens: z.number().int().min(16).max(16000).default(800),
      timeout_ms: z.number().int().min(1000).max(120000).default(30000),
    })
    .default({ chain: [], temperature: 0.2, max_output_tokens: 800, timeout_ms: 30000 }),
  retrieval: z
    .strictObject({
      top_k: z.number().int().min(1).max(50).default(6),
      min_score: z.number().min(0).max(1).default(0.0).describe('Below this fused score a passage is not used as evidence.'),
      chunk_tokens: z.number().int().min(64).max(2048).default(300),
      chunk_overlap_tokens: z.number().int().min(0).max(512).default(40),
    })
    .default({ top_k: 6, min_score: 0, chunk_tokens: 300, chunk_overlap_tokens: 40 }),
  safety: z
    .strictObject({
      redact_pii_in_model_input: z.boolean().default(true),
      redact_pii_in_output: z.boolean().default(true),
      redact_pii_in_logs: z.boolean().default(true),
      pii_types: z.array(z.string()).default(['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'IP_ADDRESS']),
      injection_action: z.enum(['block', 'flag', 'off']).default('block'),
      injection_threshold: z.number().min(0).max(1).default(0.5),
      // A detector tuned to catch attacks also scores some blunt customer wording ("Forget it, just refund me")
      // above the flag threshold; refusing those would fail real customers, so only confident detections block.
      injection_block_threshold: z.number().min(0).max(1).default(0.85),
      secret_scanning: z.boolean().default(true),
      dlp_rules: z.array(dlpRule).max(100).default([]),
      disallowed_topics: z.array(z.string().min(1).max(200)).max(200).default([]),
      escalation_topics: z.array(z.string().min(1).max(200)).max(200).default([]),
    })
    .default({
      redact_pii_in_model_input: true,
      redact_pii_in_output: true,
      redact_pii_in_logs: true,
      pii_types: ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'IP_ADDRESS'],
      injection_action: 'block',
      injection_threshold: 0.5,
      injection_block_threshold: 0.85,
      secret_scanning: true,
      dlp_rules: [],
      disallowed_topics: [],
      escalation_topics: [],
    }),
  escalation: z
    .strictObject({
      on_human_request: z.boolean().default(true),
      on_no_answer: z.boolean().default(true),
      on_failure: z.boolean().default(true),
      handoff_label: z.string().max(50).default('atrium-handoff'),
    })
    .default({ on_human_request: true, on_no_answer: true, on_failure: true, handoff_label: 'atrium-handoff' }),
  tools: z
    .strictObject({
      enabled: z.boolean().default(true),
      max_calls_per_turn: z.number().int().min(0).max(20).default(4),
      approval_ttl_minutes: z
        .number()
        .int()
        .min(1)
        .max(60 * 24 * 14)
        .default(60 * 24),
    })
    .default({ enabled: true, max_calls_per_turn: 4, approval_ttl_minutes: 60 * 24 }),
  memory: z
    .strictObject({
      enabled: z.boolean().default(true),
      require_consent: z.boolean().default(true),
      ttl_days: z.number().int().min(1).max(3650).default(180),
    })
    .default({ enabled: true, require_consent: true, ttl_days: 180 }),
  retention: z
    .strictObject({
      dataRetentionDays: z.number().int().min(1).max(3650).default(365).describe('Conversations, messages and deliveries older than this are purged.'),
      auditLogRetentionDays: z.number().int().min(30).max(3650).default(2555).describe('Audit rows older than this are purged (chain anchored).'),
    })
    .default({ dataRetentionDays: 365, auditLogRetentionDays: 2555 }),
});

export type TenantConfig = z.infer<typeof tenantConfigSchema>;
export const defaultTenantConfig = (): TenantConfig => tenantConfigSchema.parse({});
