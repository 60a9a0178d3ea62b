import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { notFound } from '../../platform/errors';
import { apiKeySchema, createApiKeyBody, createdApiKeySchema, idParams } from './identity.schema';
import { presentApiKey, type ApiKeyRow } from './identity.presenter';
import { createApiKey } from './commands/create-api-key';
import { revokeApiKey } from './commands/revoke-api-key';
import { describeMe, meSchema } from './commands/describe-me';

export const identityRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/auth/api-keys',
    summary: 'Create a tenant API key (the key is returned once)',
    tags: ['identity'],
    auth: 'tenant',
    permission: 'api_keys:manage',
    body: createApiKeyBody,
    response: createdApiKeySchema,
    status: 201,
    handler: async ({ ctx, body }) => {
      const { row, key } = await createApiKey({ ctx, name: body.name, scopes: body.scopes, expiresAt: body.expires_at });
      return { ...presentApiKey(ctx, row), key };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/auth/api-keys',
    summary: "List the tenant's API keys (never their secrets)",
    tags: ['identity'],
    auth: 'tenant',
    permission: 'api_keys:manage',
    response: z.object({ items: z.array(apiKeySchema) }),
    handler: async ({ ctx }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<ApiKeyRow>('SELECT id, name, prefix, scopes, expires_at, last_used_at, revoked_at, created_at FROM api_keys ORDER BY created_at DESC'),
      );
      return { items: r.rows.map((row) => presentApiKey(ctx, row)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/auth/api-keys/:id',
    summary: 'Show one API key',
    tags: ['identity'],
    auth: 'tenant',
    permission: 'api_keys:manage',
    params: idParams,
    response: apiKeySchema,
    handler: async ({ ctx, params }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<ApiKeyRow>('SELECT id, name, prefix, scopes, expires_at, last_used_at, revoked_at, created_at FROM api_keys WHERE id = $1', [params.id]),
      );
      if (!r.rows[0]) throw notFound('API key');
      return presentApiKey(ctx, r.rows[0]);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/auth/api-keys/:id',
    summary: 'Revoke an API key (idempotent)',
    tags: ['identity'],
    auth: 'tenant',
    permission: 'api_keys:manage',
    params: idParams,
    handler: async ({ ctx, params }) => revokeApiKey({ ctx, id: params.id }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/me',
    summary: 'Who am I: principal, tenants and abilities (per tenant)',
    tags: ['identity'],
    auth: 'principal',
    response: meSchema,
    handler: async ({ ctx }) => describeMe({ ctx }),
  }),
];
