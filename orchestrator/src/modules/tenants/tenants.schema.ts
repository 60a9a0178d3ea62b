import { z } from 'zod';
import { tenantConfigSchema } from './tenant-config.schema';

export const createTenantBody = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'slug: 2–63 lowercase letters, digits or dashes, starting with a letter or digit'),
  name: z.string().trim().min(1).max(200),
});

export const tenantSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  status: z.enum(['active', 'suspended']),
  created_at: z.string(),
});

export const tenantIdParams = z.object({ id: z.string().min(1).max(100) });

export const configVersionSchema = z.object({
  version: z.number().int(),
  active: z.boolean(),
  comment: z.string().nullable(),
  created_by: z.string(),
  created_at: z.string(),
});

export const activeConfigSchema = z.object({ version: z.number().int(), config: tenantConfigSchema });

export const putConfigBody = z.object({
  config: z.unknown().describe('The complete tenant configuration (see the TenantConfig schema); defaults fill omitted sections.'),
  comment: z.string().max(500).optional(),
});

export const rollbackBody = z.object({ version: z.number().int().positive() });

export const validateResultSchema = z.object({
  valid: z.boolean(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
  config: tenantConfigSchema.optional(),
});
