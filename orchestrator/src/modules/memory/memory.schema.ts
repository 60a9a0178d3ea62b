import { z } from 'zod';

const endUser = z.string().min(1).max(200).optional().describe("End-user id, for API keys that serve many users (as in OpenAI's `user`)");

export const memoryParams = z.object({ id: z.uuid('memory id must be a UUID') });
export const memoryOwnerQuery = z.object({ user: endUser });
export const memoryContentBody = z.object({ content: z.string().trim().min(1).max(1000), user: endUser });
export const consentBody = z.object({
  granted: z.boolean().describe('true: Atrium may remember facts you share; false: it stops (existing memories stay until erased)'),
  user: endUser,
});

export const memorySchema = z.object({
  id: z.string(),
  content: z.string(),
  source: z.enum(['explicit', 'proposed', 'api']),
  created_at: z.string(),
  updated_at: z.string(),
  expires_at: z.string(),
});

export const consentSchema = z.object({
  granted: z.boolean(),
  required: z.boolean().describe('Whether this tenant stores memories only after consent'),
  enabled: z.boolean().describe('Whether this tenant uses memory at all'),
  updated_at: z.string().nullable(),
});

export const memoryListSchema = z.object({ consent: consentSchema, items: z.array(memorySchema) });
