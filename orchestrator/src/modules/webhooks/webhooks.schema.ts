import { z } from 'zod';
import { ABILITIES_DESCRIPTION } from '../../platform/http/abilities';

/** Events a tenant can subscribe an endpoint to. Payloads are allowlisted by the emitting module's presenter. */
export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.escalated',
  'tool.executed',
  'approval.requested',
  'approval.decided',
  'knowledge.synced',
  'safety.alert',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const createEndpointBody = z.strictObject({
  url: z.string().url().max(2000),
  events: z
    .array(z.enum([...WEBHOOK_EVENTS, '*']))
    .min(1)
    .max(WEBHOOK_EVENTS.length + 1)
    .describe('Event types to deliver; "*" for all.'),
  description: z.string().max(500).optional(),
});

export const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  created_by: z.string(),
  created_at: z.string(),
  abilities: z.array(z.enum(['delete', 'deliveries'])).describe(ABILITIES_DESCRIPTION),
});

export const createdEndpointSchema = endpointSchema.extend({
  secret: z.string().describe('Standard Webhooks signing secret (whsec_…), shown once. Verify deliveries with any Standard Webhooks library.'),
});

export const deliverySchema = z.object({
  id: z.string(),
  message_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  next_attempt_at: z.string().nullable(),
  last_status_code: z.number().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
});

export const endpointIdParams = z.object({ id: z.uuid() });
export const deliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
