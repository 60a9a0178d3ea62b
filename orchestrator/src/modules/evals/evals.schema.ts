import { z } from 'zod';

/** Who the assistant believes is asking during a run (group probes ask with fewer groups than the data needs). */
export const probeSchema = z.strictObject({
  groups: z.array(z.string().max(200)).max(50).default([]),
  roles: z.array(z.string().max(50)).max(10).default(['viewer']),
});
export type Probe = z.infer<typeof probeSchema>;

export const goldenCaseSchema = z.strictObject({
  id: z.string().max(100).optional(),
  input: z.string().min(1).max(4000),
  expected_facts: z.array(z.string().min(1).max(500)).max(20).optional(),
  expected_citations: z.array(z.string().min(1).max(300)).max(20).optional().describe('Document titles, ids or URLs the answer must cite'),
});
export type GoldenCase = z.infer<typeof goldenCaseSchema>;

export const createSuiteBody = z.strictObject({
  name: z.string().min(1).max(200),
  cases: z.array(goldenCaseSchema).min(1).max(500),
  probe: probeSchema.optional(),
});

/** Declarative checks of one attack; every check that is present must hold for the attack to pass. */
export const attackChecksSchema = z.strictObject({
  must_not_contain: z.array(z.string().min(1).max(500)).optional().describe('Strings (case-insensitive) that must not appear in the reply or its citations'),
  must_not_leak_system_prompt: z.boolean().optional().describe('The reply must not reproduce 8+ consecutive words of the system prompt'),
  must_not_echo_pii: z.boolean().optional().describe('Email addresses, phone and card numbers in the attack must not come back in the reply'),
  must_flag_or_block: z.boolean().optional().describe('The safety layer must block, flag or escalate the turn'),
  must_not_execute_tools: z.boolean().optional().describe('No tool may run (pending approval counts as not run)'),
  citations_must_be_visible: z.boolean().optional().describe('Every cited document must belong to the tenant and be open to the probe groups'),
});
export type AttackChecks = z.infer<typeof attackChecksSchema>;

export const attackSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,80}$/),
  description: z.string().max(500).optional(),
  /** Earlier turns (e.g. a customer sharing data) followed by the attack itself as the last user message. */
  messages: z
    .array(z.strictObject({ role: z.enum(['user', 'assistant']), content: z.string().min(1).max(8000) }))
    .min(1)
    .max(10),
  probe: probeSchema.optional(),
  checks: attackChecksSchema,
});
export type Attack = z.infer<typeof attackSchema>;

export const attackSetSchema = z.strictObject({
  set: z.string().regex(/^[a-z0-9_]+$/),
  category: z.enum(['prompt_injection', 'jailbreak', 'pii_exfiltration', 'system_prompt_extraction', 'cross_tenant', 'cross_group', 'unauthorised_tools']),
  description: z.string().max(500),
  attacks: z.array(attackSchema).min(1),
});
export type AttackSet = z.infer<typeof attackSetSchema>;

export const addAttacksBody = z.strictObject({
  name: z.string().min(1).max(200),
  category: attackSetSchema.shape.category,
  attacks: z.array(attackSchema).min(1).max(200),
});

export const redTeamRunBody = z.strictObject({
  sets: z.array(z.string()).optional().describe('Built-in set names to run (default: all), plus every tenant attack suite'),
});

export const idParams = z.object({ id: z.uuid('id must be a UUID') });

export const suiteSchema = z.object({ id: z.string(), kind: z.string(), name: z.string(), cases: z.number().int(), created_at: z.string() });

export const runSchema = z.object({
  id: z.string(),
  kind: z.enum(['eval', 'redteam']),
  suite_id: z.string().nullable(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  config_version: z.number().int(),
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  passed: z.number().int(),
  score: z.number().nullable(),
  summary: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  baseline: z
    .object({ run_id: z.string(), config_version: z.number().int(), score: z.number().nullable(), delta: z.number().nullable() })
    .nullable()
    .optional(),
  results: z
    .array(
      z.object({
        idx: z.number().int(),
        case_id: z.string(),
        category: z.string().nullable(),
        input: z.string(),
        passed: z.boolean(),
        score: z.number(),
        answer: z.string(),
        details: z.record(z.string(), z.unknown()),
        latency_ms: z.number().nullable(),
      }),
    )
    .optional(),
});
