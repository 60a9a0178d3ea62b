import { z } from 'zod';
import { ABILITIES_DESCRIPTION } from '../../platform/http/abilities';

/** A scope is a role name (grants that role's actions) or a `resource:verb` action, wildcards allowed. */
export const scopeSchema = z
  .string()
  .regex(/^(\*|[a-z_]+(:([a-z_]+|\*))?)$/, 'a scope is a role name (e.g. "agent") or an action like "knowledge:read"')
  .refine((s) => s !== 'platform_admin' && s !== '*', 'tenant API keys cannot carry platform-wide scopes');

export const createApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(scopeSchema).min(1).max(50),
  expires_at: z.iso.datetime({ offset: true }).optional().describe('Optional expiry (ISO 8601). Keys without one never expire.'),
});

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  created_at: z.string(),
  abilities: z.array(z.enum(['revoke'])).describe(ABILITIES_DESCRIPTION),
});

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().describe('The secret key. Shown only once; Atrium stores only its hash.'),
});

export const idParams = z.object({ id: z.uuid('id must be a UUID') });
