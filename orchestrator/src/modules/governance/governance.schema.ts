import { z } from 'zod';

const isoDate = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp');

export const auditFilterSchema = z.object({
  actor: z.string().max(300).optional().describe('Exact actor reference (IdP subject, key:<id>, system:<job>) or pseudonym'),
  action: z.string().max(100).optional().describe('Exact action, or a prefix ending in ".*" (e.g. "tool.*")'),
  resource_type: z.string().max(100).optional(),
  resource_id: z.string().max(300).optional(),
  from: isoDate.optional().describe('Inclusive lower bound on occurred_at'),
  to: isoDate.optional().describe('Exclusive upper bound on occurred_at'),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export const auditListQuery = auditFilterSchema.extend({
  cursor: z.string().regex(/^\d+$/, 'cursor must be the next_cursor of a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const auditItemSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  occurred_at: z.string(),
  actor: z.object({ type: z.string(), ref: z.string(), label: z.string().nullable(), erased: z.boolean() }),
  action: z.string(),
  resource: z.object({ type: z.string(), id: z.string().nullable() }),
  data: z.record(z.string(), z.unknown()),
  request_id: z.string().nullable(),
  hash: z.string(),
  prev_hash: z.string(),
});

export const auditExportBody = auditFilterSchema.extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') });

export const dsarBody = z
  .object({
    type: z.enum(['export', 'delete']),
    user: z.string().min(1).max(300).optional().describe('IdP subject or Atrium user id'),
    email: z.email().max(320).optional(),
  })
  .refine((b) => !!b.user || !!b.email, { message: 'user or email is required', path: ['user'] });
export type DsarBody = z.infer<typeof dsarBody>;

export const dsarSchema = z.object({
  id: z.string(),
  type: z.enum(['export', 'delete']),
  status: z.enum(['pending', 'running', 'completed', 'failed']),
  requested_by: z.string(),
  summary: z.record(z.string(), z.unknown()),
  archive_available: z.boolean(),
  error: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  expires_at: z.string().nullable(),
});

export const idParams = z.object({ id: z.uuid('id must be a UUID') });

export const usageQuery = z.object({
  from: isoDate.optional().describe('Default: 30 days ago'),
  to: isoDate.optional().describe('Default: now'),
  channel: z.string().max(50).optional(),
});

const usageNumbers = {
  conversations: z.number(),
  messages: z.number(),
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  cost_usd: z.number(),
  handoff_rate: z.number(),
  resolution_rate: z.number(),
  avg_latency_ms: z.number().nullable(),
};
export const usageSchema = z.object({
  from: z.string(),
  to: z.string(),
  rows: z.array(z.object({ day: z.string(), channel: z.string(), model: z.string(), ...usageNumbers })),
  totals: z.object(usageNumbers),
});

const counts = z.record(z.string(), z.unknown());
export const complianceSchema = z.object({
  generated_at: z.string(),
  config_version: z.number().int(),
  retention: z.object({
    data_retention_days: z.number().int(),
    audit_log_retention_days: z.number().int(),
    memory_ttl_days: z.number().int(),
    last_purge: z.object({ at: z.string(), counts }).nullable(),
  }),
  encryption: z.object({
    algorithm: z.string(),
    key_configured: z.boolean(),
    sealed_secrets: z.number().int(),
    secrets_on_old_key: z.number().int(),
    database_tls: z.boolean(),
  }),
  audit_chain: z.object({
    ok: z.boolean(),
    checked: z.number().int(),
    last_seq: z.number().int(),
    first_broken: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
    anchored_after_purge: z.unknown(),
  }),
  dsar: z.object({
    total: z.number().int(),
    erased_subjects: z.number().int(),
    recent: z.array(z.object({ id: z.string(), type: z.string(), status: z.string(), created_at: z.string(), completed_at: z.string().nullable() })),
  }),
  safety: z.object({
    redact_pii_in_model_input: z.boolean(),
    redact_pii_in_output: z.boolean(),
    redact_pii_in_logs: z.boolean(),
    pii_types: z.array(z.string()),
    injection_action: z.string(),
    injection_threshold: z.number(),
    injection_block_threshold: z.number(),
    secret_scanning: z.boolean(),
    dlp_rules: z.array(z.object({ name: z.string(), action: z.string() })),
    memory_requires_consent: z.boolean(),
  }),
  assurance: z.object({
    red_team: z
      .object({
        run_id: z.string(),
        finished_at: z.string(),
        config_version: z.number().int(),
        covers_config_in_force: z.boolean(),
        verdict: z.enum(['pass', 'fail']),
        passed: z.number().int(),
        total: z.number().int(),
        sets: z.array(z.string()).nullable(),
      })
      .nullable()
      .describe('The latest completed red-team run'),
    evals: z
      .array(
        z.object({
          suite_id: z.string(),
          suite: z.string(),
          run_id: z.string(),
          finished_at: z.string(),
          config_version: z.number().int(),
          covers_config_in_force: z.boolean(),
          score: z.number().nullable(),
        }),
      )
      .describe('The latest completed run of each eval suite'),
  }),
});
