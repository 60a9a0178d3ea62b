import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import {
  activeConfigSchema,
  configVersionSchema,
  createTenantBody,
  putConfigBody,
  rollbackBody,
  tenantIdParams,
  tenantSchema,
  validateResultSchema,
} from './tenants.schema';
import { presentConfigVersion, presentTenant, type ConfigVersionRow, type TenantRow } from './tenants.presenter';
import { createTenant } from './commands/create-tenant';
import { setTenantStatus } from './commands/set-tenant-status';
import { publishConfig, rollbackConfig, validateTenantConfig } from './commands/publish-config';
import { activeTenantConfig } from './tenant-lookup';

export const tenantRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/platform/tenants',
    summary: 'Create a tenant',
    tags: ['platform'],
    auth: 'principal',
    permission: 'tenants:manage',
    body: createTenantBody,
    response: tenantSchema,
    status: 201,
    handler: async ({ ctx, body }) => presentTenant(await createTenant({ ctx, slug: body.slug, name: body.name })),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/platform/tenants',
    summary: 'List tenants',
    tags: ['platform'],
    auth: 'principal',
    permission: 'tenants:manage',
    response: z.object({ items: z.array(tenantSchema) }),
    handler: async ({ ctx }) => {
      const r = await ctx.services.db.query<TenantRow>('SELECT id, slug, name, status, created_at FROM tenants ORDER BY slug');
      return { items: r.rows.map(presentTenant) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/platform/tenants/:id/suspend',
    summary: 'Suspend a tenant (all its requests get 403 TENANT_SUSPENDED)',
    tags: ['platform'],
    auth: 'principal',
    permission: 'tenants:manage',
    params: tenantIdParams,
    response: tenantSchema,
    handler: async ({ ctx, params }) => presentTenant(await setTenantStatus({ ctx, idOrSlug: params.id, status: 'suspended' })),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/platform/tenants/:id/reactivate',
    summary: 'Reactivate a suspended tenant',
    tags: ['platform'],
    auth: 'principal',
    permission: 'tenants:manage',
    params: tenantIdParams,
    response: tenantSchema,
    handler: async ({ ctx, params }) => presentTenant(await setTenantStatus({ ctx, idOrSlug: params.id, status: 'active' })),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/config',
    summary: 'The active tenant configuration',
    tags: ['config'],
    auth: 'tenant',
    permission: 'config:read',
    response: activeConfigSchema,
    handler: async ({ ctx }) => ctx.services.db.withTenant(ctx.tenant.id, (tx) => activeTenantConfig(tx, ctx.tenant.id)),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/admin/config',
    summary: 'Publish a new configuration version',
    tags: ['config'],
    auth: 'tenant',
    permission: 'config:write',
    body: putConfigBody,
    response: activeConfigSchema,
    handler: async ({ ctx, body }) => publishConfig({ ctx, input: body.config, comment: body.comment }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/config/versions',
    summary: 'Configuration history, newest first',
    tags: ['config'],
    auth: 'tenant',
    permission: 'config:read',
    query: z.object({ include_config: z.enum(['true', 'false']).default('false') }),
    response: z.object({ items: z.array(configVersionSchema.extend({ config: z.unknown().optional() })) }),
    handler: async ({ ctx, query }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<ConfigVersionRow & { config: unknown }>(
          'SELECT version, active, comment, created_by, created_at, config FROM tenant_config_versions ORDER BY version DESC',
        ),
      );
      return { items: r.rows.map((v) => ({ ...presentConfigVersion(v), ...(query.include_config === 'true' ? { config: v.config } : {}) })) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/config/rollback',
    summary: 'Re-publish an earlier version as the newest',
    tags: ['config'],
    auth: 'tenant',
    permission: 'config:write',
    body: rollbackBody,
    response: activeConfigSchema,
    handler: async ({ ctx, body }) => rollbackConfig({ ctx, version: body.version }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/config/validate',
    summary: 'Validate a configuration without publishing it',
    tags: ['config'],
    auth: 'tenant',
    permission: 'config:read',
    body: z.object({ config: z.unknown() }),
    response: validateResultSchema,
    handler: async ({ body }) => {
      const { config, errors } = validateTenantConfig(body.config);
      return { valid: !!config, errors, config };
    },
  }),
];
