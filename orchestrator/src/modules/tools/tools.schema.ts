import { z } from 'zod';
import { ABILITIES_DESCRIPTION } from '../../platform/http/abilities';

export const RISKS = ['read', 'low', 'high', 'critical'] as const;
export type Risk = (typeof RISKS)[number];
/** update/delete: PUT/DELETE /v1/tools/:id; test: POST /v1/tools/:id/test. */
export const TOOL_ABILITIES = ['update', 'delete', 'test'] as const;

const webhookPath = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_\-/]{0,199}$/, 'letters, digits, "_", "-" and "/", as set in the n8n Webhook node (e.g. tool/lookup-order)')
  .refine((p) => !p.includes('..'), 'must not contain ".."');

export const bindingSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('n8n'),
    path: webhookPath.describe('Production webhook path of the n8n workflow; Atrium calls N8N_BASE_URL/webhook/<path>.'),
    timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
  }),
  z.strictObject({
    kind: z.literal('http'),
    url: z.string().url().describe('Endpoint Atrium POSTs the signed call to; private addresses are refused unless OUTBOUND_ALLOW_PRIVATE_NETWORKS.'),
    method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
    timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
  }),
]);
export type ToolBinding = z.infer<typeof bindingSchema>;

const toolFields = {
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/, 'start with a letter; letters, digits, "_" or "-"; at most 64 characters (what model APIs accept)'),
  description: z.string().trim().min(1).max(2000).describe('Told to the model: when to use the tool and what it returns.'),
  input_schema: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12 subset ajv supports) of the tool input; must describe an object.'),
  risk: z.enum(RISKS),
  needs_approval: z.boolean().optional().describe('Default: true for high and critical risk. Critical tools always need approval.'),
  rate_limit_per_minute: z.number().int().min(1).max(10_000).nullable().optional(),
  allowed_roles: z.array(z.string().min(1).max(64)).max(20).default([]).describe('Empty: every role that may chat.'),
  allowed_groups: z.array(z.string().min(1).max(200)).max(100).default([]).describe('Empty: no group restriction.'),
  binding: bindingSchema,
  enabled: z.boolean().default(true),
};

export const createToolBody = z.strictObject(toolFields);
export const updateToolBody = z
  .strictObject({
    ...toolFields,
    allowed_roles: toolFields.allowed_roles.unwrap().optional(),
    allowed_groups: toolFields.allowed_groups.unwrap().optional(),
    enabled: z.boolean().optional(),
  })
  .partial();
export type CreateToolInput = z.infer<typeof createToolBody>;
export type UpdateToolInput = z.infer<typeof updateToolBody>;

export const toolSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  input_schema: z.record(z.string(), z.unknown()),
  risk: z.enum(RISKS),
  needs_approval: z.boolean(),
  rate_limit_per_minute: z.number().nullable(),
  allowed_roles: z.array(z.string()),
  allowed_groups: z.array(z.string()),
  binding: bindingSchema,
  enabled: z.boolean(),
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  abilities: z.array(z.enum(TOOL_ABILITIES)).describe(ABILITIES_DESCRIPTION),
});

export const createdToolSchema = toolSchema.extend({
  signing_secret: z.string().optional().describe('HTTP bindings only, shown once: verify x-atrium-signature with it.'),
});

export const toolIdParams = z.object({ id: z.uuid() });

export const testToolBody = z.object({ input: z.record(z.string(), z.unknown()).default({}) });

export const toolOutcomeSchema = z.object({
  status: z.enum(['succeeded', 'failed', 'timeout', 'invalid_input', 'denied', 'rate_limited', 'pending_approval', 'not_found']),
  execution_id: z.string().nullable(),
  approval_id: z.string().nullable(),
  output: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  content: z.string().describe('What the model is told.'),
  latency_ms: z.number().nullable(),
});

export const executionSchema = z.object({
  id: z.string(),
  tool_id: z.string().nullable(),
  tool_name: z.string(),
  source: z.string(),
  conversation_id: z.string().nullable(),
  approval_id: z.string().nullable(),
  status: z.string(),
  error_code: z.string().nullable(),
  latency_ms: z.number().nullable(),
  actor: z.object({ type: z.string(), ref: z.string() }),
  created_at: z.string(),
});
