import { z } from 'zod';
import type { paths } from './openapi';

/**
 * Response schemas the console parses. Endpoints already in the orchestrator are checked against the generated
 * OpenAPI types (see `Contract` below; a drift fails `tsc`), endpoints of modules still landing follow their issue's
 * documented shape and are parsed leniently (unknown fields pass, missing optional ones are tolerated).
 */
type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer Rs }
  ? JsonOf<Rs[200 & keyof Rs]> | JsonOf<Rs[201 & keyof Rs]>
  : never;
/** Compile-time proof that what we parse is what the API declares. */
type Contract<Ours, Theirs> = Ours extends Theirs ? true : never;

export const errorEnvelope = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

export const meSchema = z.object({
  subject: z.string(),
  kind: z.enum(['user', 'api_key', 'platform']),
  name: z.string().nullable(),
  email: z.string().nullable(),
  roles: z.array(z.string()),
  groups: z.array(z.string()),
  scopes: z.array(z.string()),
  tenants: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string(), status: z.string(), abilities: z.array(z.string()) })),
});
export type Me = z.infer<typeof meSchema>;
export type MeTenant = Me['tenants'][number];
export const meContract: Contract<Me, Ok<'/v1/me', 'get'>> = true;

export const activityItemSchema = z.object({
  id: z.string(),
  type: z.string(),
  actor: z.string().nullable(),
  resource_type: z.string().nullable(),
  resource_id: z.string().nullable(),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});
export type ActivityItem = z.infer<typeof activityItemSchema>;
export const activityPageSchema = z.object({ items: z.array(activityItemSchema), next_cursor: z.string().nullable() });
export const activityContract: Contract<z.infer<typeof activityPageSchema>, Ok<'/v1/activity', 'get'>> = true;

export const chainVerificationSchema = z.object({
  tenant_id: z.string(),
  ok: z.boolean(),
  checked: z.number(),
  last_seq: z.number(),
  first_broken: z.object({ seq: z.number(), reason: z.string() }).optional(),
});
export const chainContract: Contract<z.infer<typeof chainVerificationSchema>, Ok<'/v1/admin/audit-logs/verify', 'get'>> = true;

export const activeConfigSchema = z.object({ version: z.number(), config: z.record(z.string(), z.unknown()) }).loose();
export const configVersionsSchema = z.object({
  items: z.array(
    z.object({
      version: z.number(),
      active: z.boolean(),
      comment: z.string().nullable(),
      created_by: z.string(),
      created_at: z.string(),
      config: z.unknown().optional(),
    }),
  ),
});
export const configVersionsContract: Contract<z.infer<typeof configVersionsSchema>, Ok<'/v1/admin/config/versions', 'get'>> = true;
export const validateResultSchema = z
  .object({
    valid: z.boolean(),
    errors: z.array(z.object({ path: z.string(), message: z.string() }).loose()).default([]),
  })
  .loose();

// ---- Modules still landing (shapes from their issues) ----------------------------------------------------------

export const citationSchema = z
  .object({
    index: z.number().optional(),
    document_id: z.string(),
    chunk_id: z.string().optional(),
    title: z.string().nullable().optional(),
    url: z.string().nullable().optional(),
    heading_path: z
      .union([z.string(), z.array(z.string())])
      .nullable()
      .optional(),
    snippet: z.string().optional(),
    score: z.number().optional(),
  })
  .loose();
export type Citation = z.infer<typeof citationSchema>;

export const documentSchema = z
  .object({
    id: z.string(),
    title: z.string().nullable().optional(),
    status: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
    chunk_count: z.number().nullable().optional(),
    source_id: z.string().nullable().optional(),
    url: z.string().nullable().optional(),
    updated_at: z.string().optional(),
    created_at: z.string().optional(),
  })
  .loose();
export type KnowledgeDocument = z.infer<typeof documentSchema>;
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable().optional() }).loose();

export const sourceSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    kind: z.string(),
    status: z.string().optional(),
    url: z.string().nullable().optional(),
    document_count: z.number().optional(),
  })
  .loose();
export const searchResultSchema = z.object({ results: z.array(citationSchema) });

export const approvalSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    title: z.string(),
    details: z.string().nullable().optional(),
    status: z.string(),
    risk: z.string().nullable().optional(),
    conversation_id: z.string().nullable().optional(),
    tool: z.object({ id: z.string().nullable(), name: z.string(), input: z.unknown().optional() }).nullable().optional(),
    requested_by: z.object({ type: z.string(), ref: z.string() }).nullable().optional(),
    decided_by: z.string().nullable().optional(),
    decision_reason: z.string().nullable().optional(),
    decided_at: z.string().nullable().optional(),
    expires_at: z.string().nullable().optional(),
    result: z.unknown().optional(),
    error: z.string().nullable().optional(),
    created_at: z.string(),
    abilities: z.array(z.string()).default([]),
  })
  .loose();
export type Approval = z.infer<typeof approvalSchema>;

export const toolSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable().optional(),
    risk: z.string().optional(),
    needs_approval: z.boolean().optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
    binding: z.object({ kind: z.string() }).loose().optional(),
    enabled: z.boolean().optional(),
    updated_at: z.string().optional(),
    /** What this caller may do with the tool: `test` only where a run would be allowed for them. */
    abilities: z.array(z.string()).default([]),
  })
  .loose();
export const toolOutcomeSchema = z
  .object({
    status: z.string(),
    execution_id: z.string().nullable().optional(),
    approval_id: z.string().nullable().optional(),
    output: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
    content: z.string().optional(),
    latency_ms: z.number().nullable().optional(),
  })
  .loose();

export const conversationSchema = z
  .object({
    id: z.string(),
    title: z.string().nullable().optional(),
    channel: z.string().optional(),
    status: z.string().optional(),
    owner: z.string().optional(),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
    last_message_at: z.string().nullable().optional(),
    abilities: z.array(z.string()).optional(),
  })
  .loose();
export type Conversation = z.infer<typeof conversationSchema>;
export const conversationListSchema = z.object({ items: z.array(conversationSchema), next_before: z.string().nullable().optional() }).loose();
export const messageSchema = z
  .object({
    id: z.string().optional(),
    role: z.string(),
    content: z.string().nullable(),
    citations: z.array(citationSchema).optional(),
    safety_flags: z.array(z.record(z.string(), z.unknown())).optional(),
    tool_calls: z.array(z.object({ name: z.string(), status: z.string(), arguments: z.string().optional() }).loose()).optional(),
    model: z.string().nullable().optional(),
    created_at: z.string().optional(),
  })
  .loose();
export type Message = z.infer<typeof messageSchema>;
export const conversationDetailSchema = conversationSchema.extend({ messages: z.array(messageSchema).default([]) });

export const auditEntrySchema = z
  .object({
    seq: z.number(),
    id: z.string().optional(),
    occurred_at: z.string(),
    actor: z.object({ type: z.string(), ref: z.string(), label: z.string().nullable().optional(), erased: z.boolean().optional() }),
    action: z.string(),
    resource: z.object({ type: z.string(), id: z.string().nullable() }),
    data: z.record(z.string(), z.unknown()).optional(),
    request_id: z.string().nullable().optional(),
    hash: z.string().optional(),
  })
  .loose();
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), next_cursor: z.string().nullable().optional() }).loose();

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
export const usageSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    rows: z.array(z.object({ day: z.string(), channel: z.string(), model: z.string(), ...usageNumbers })),
    totals: z.object(usageNumbers),
  })
  .loose();
export type Usage = z.infer<typeof usageSchema>;

const panelCitation = z.object({ title: z.string(), url: z.string().nullable().optional(), snippet: z.string().optional() }).loose();
export const chatwootPanelSchema = z
  .object({
    integration_id: z.string(),
    conversation: z.object({ chatwoot_id: z.number(), atrium_id: z.string().nullable(), status: z.string().nullable(), owner: z.string().nullable() }),
    handoff: z.object({ reason: z.string(), detail: z.string().nullable(), summary: z.string(), tried: z.array(z.string()), at: z.string() }).nullable(),
    citations: z.array(panelCitation),
    suggested_replies: z.array(z.string()),
    pending_approvals: z.array(z.object({ id: z.string(), summary: z.string(), created_at: z.string().optional() })),
    recent_bot_replies: z.array(z.object({ content: z.string(), created_at: z.string() })),
  })
  .loose();
export type ChatwootPanel = z.infer<typeof chatwootPanelSchema>;
/** The tenant's Chatwoot accounts; the Inbox embeds the first active one. */
export const chatwootAccountsSchema = z.object({
  items: z.array(z.object({ id: z.string(), status: z.string(), base_url: z.string(), account_id: z.number() }).loose()),
});

/** The compliance report: the one page a compliance officer files (retention, encryption, chain, DSAR, safety, evidence). */
const assuranceRun = { run_id: z.string(), finished_at: z.string(), config_version: z.number(), covers_config_in_force: z.boolean() };
export const complianceSchema = z
  .object({
    generated_at: z.string(),
    config_version: z.number(),
    retention: z.object({
      data_retention_days: z.number(),
      audit_log_retention_days: z.number(),
      memory_ttl_days: z.number(),
      last_purge: z.object({ at: z.string(), counts: z.record(z.string(), z.unknown()) }).nullable(),
    }),
    encryption: z.object({
      algorithm: z.string(),
      key_configured: z.boolean(),
      sealed_secrets: z.number(),
      secrets_on_old_key: z.number(),
      database_tls: z.boolean(),
    }),
    audit_chain: z
      .object({ ok: z.boolean(), checked: z.number(), last_seq: z.number(), first_broken: z.object({ seq: z.number(), reason: z.string() }).nullable() })
      .loose(),
    dsar: z.object({
      total: z.number(),
      erased_subjects: z.number(),
      recent: z.array(z.object({ id: z.string(), type: z.string(), status: z.string(), created_at: z.string(), completed_at: z.string().nullable() })),
    }),
    safety: z
      .object({
        redact_pii_in_model_input: z.boolean(),
        redact_pii_in_output: z.boolean(),
        injection_action: z.string(),
        secret_scanning: z.boolean(),
        dlp_rules: z.array(z.object({ name: z.string(), action: z.string() })),
        memory_requires_consent: z.boolean(),
      })
      .loose(),
    assurance: z.object({
      red_team: z
        .object({ ...assuranceRun, verdict: z.enum(['pass', 'fail']), passed: z.number(), total: z.number(), sets: z.array(z.string()).nullable() })
        .nullable(),
      evals: z.array(z.object({ ...assuranceRun, suite_id: z.string(), suite: z.string(), score: z.number().nullable() })),
    }),
  })
  .loose();
export type Compliance = z.infer<typeof complianceSchema>;

// ---- The API's declared answers must parse with the console's schemas (checked by tsc against openapi.d.ts) --------
/** Everything the API may send is acceptable to our (lenient) parser. */
type Accepts<Ours, Theirs> = [Theirs] extends [Ours] ? true : never;
type Item<T> = T extends { items: Array<infer I> } ? I : never;
export const approvalsListContract: Accepts<z.input<typeof approvalSchema>, Item<Ok<'/v1/approvals', 'get'>>> = true;
export const documentsListContract: Accepts<z.input<typeof documentSchema>, Item<Ok<'/v1/knowledge/documents', 'get'>>> = true;
export const sourcesListContract: Accepts<z.input<typeof sourceSchema>, Item<Ok<'/v1/knowledge/sources', 'get'>>> = true;
export const knowledgeSearchContract: Accepts<z.input<typeof searchResultSchema>, Ok<'/v1/knowledge/search', 'post'>> = true;
export const auditListContract: Accepts<z.input<typeof auditPageSchema>, Ok<'/v1/admin/audit-logs', 'get'>> = true;
export const usageReportContract: Accepts<z.input<typeof usageSchema>, Ok<'/v1/admin/usage', 'get'>> = true;
export const complianceReportContract: Accepts<z.input<typeof complianceSchema>, Ok<'/v1/admin/compliance/report', 'get'>> = true;
export const conversationsListContract: Accepts<z.input<typeof conversationListSchema>, Ok<'/v1/conversations', 'get'>> = true;
export const conversationDetailContract: Accepts<z.input<typeof conversationDetailSchema>, Ok<'/v1/conversations/{id}', 'get'>> = true;
export const toolsListContract: Accepts<z.input<typeof toolSchema>, Item<Ok<'/v1/tools', 'get'>>> = true;
export const toolTestRunContract: Accepts<z.input<typeof toolOutcomeSchema>, Ok<'/v1/tools/{id}/test', 'post'>> = true;
export const chatwootAccountsContract: Accepts<z.input<typeof chatwootAccountsSchema>, Ok<'/v1/integrations/chatwoot', 'get'>> = true;
export const chatwootPanelContract: Accepts<
  z.input<typeof chatwootPanelSchema>,
  Ok<'/v1/integrations/chatwoot/{id}/conversations/{conversationId}/panel', 'get'>
> = true;
