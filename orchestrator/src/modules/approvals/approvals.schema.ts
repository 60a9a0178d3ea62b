import { z } from 'zod';
import { APPROVAL_STATUSES } from './state-machine';

export const createApprovalBody = z.strictObject({
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, "_", "." or "-", e.g. "refund_exception"')
    .refine((t) => t !== 'tool_call', '"tool_call" is reserved for tool calls the assistant makes'),
  title: z.string().trim().min(1).max(300),
  details: z.string().max(10_000).optional(),
  conversation_id: z.uuid().optional(),
  expires_in_minutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 14)
    .optional()
    .describe('Default: the tenant config tools.approval_ttl_minutes.'),
  draft: z.boolean().default(false).describe('Save as a draft; submit later with POST /v1/approvals/:id/submit.'),
});

export const decideBody = z.strictObject({ reason: z.string().trim().max(2000).optional() });

export const listApprovalsQuery = z.object({
  status: z.enum(APPROVAL_STATUSES).optional(),
  type: z.string().max(64).optional(),
  conversation_id: z.uuid().optional(),
  mine: z.enum(['true', 'false']).optional().describe('Only requests made by the caller.'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional().describe('next_cursor of the previous page.'),
});

export const approvalIdParams = z.object({ id: z.uuid() });

export const APPROVAL_ABILITIES = ['approve', 'reject', 'cancel', 'submit'] as const;

export const approvalSchema = z.object({
  id: z.string(),
  type: z.string(),
  title: z.string(),
  details: z.string().nullable(),
  status: z.enum(APPROVAL_STATUSES),
  risk: z.string().nullable(),
  conversation_id: z.string().nullable(),
  tool: z.object({ id: z.string().nullable(), name: z.string(), input: z.unknown() }).nullable(),
  requested_by: z.object({ type: z.string(), ref: z.string() }),
  decided_by: z.string().nullable(),
  decision_reason: z.string().nullable(),
  decided_at: z.string().nullable(),
  expires_at: z.string(),
  result: z.unknown().nullable(),
  error: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  abilities: z.array(z.enum(APPROVAL_ABILITIES)).describe('What the caller may do now; the shell renders these as buttons.'),
});
export type ApprovalView = z.infer<typeof approvalSchema>;
