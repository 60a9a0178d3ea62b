import { z } from 'zod';
import { AppError } from '../../platform/errors';
import { defineRoute } from '../../platform/http/route';
import { ownerRefOf } from '../conversations';
import { activeTenantConfig } from '../tenants';
import { addMemory, deleteMemory, eraseMemories, listMemories, setMemoryConsent, updateMemory } from './commands/manage-memories';
import { memoryAllowed } from './memory-policy';
import { presentConsent, presentMemory } from './memory.presenter';
import { consentBody, consentSchema, memoryContentBody, memoryListSchema, memoryOwnerQuery, memoryParams, memorySchema } from './memory.schema';

const tags = ['memory'];

export const memoryRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/memory',
    summary: 'What Atrium remembers about you, and your consent',
    tags,
    auth: 'tenant',
    permission: 'memory:manage',
    query: memoryOwnerQuery,
    response: memoryListSchema,
    handler: async ({ ctx, query }) => {
      const result = await listMemories({ ctx, ownerRef: ownerRefOf(ctx.principal, query.user) });
      return { consent: presentConsent(result.allowed, result.consent, result.settings), items: result.items.map(presentMemory) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/memory',
    summary: 'Add a memory yourself (requires consent)',
    tags,
    auth: 'tenant',
    permission: 'memory:manage',
    body: memoryContentBody,
    response: memorySchema,
    status: 201,
    handler: async ({ ctx, body }) => {
      const row = await addMemory({ ctx, ownerRef: ownerRefOf(ctx.principal, body.user), content: body.content });
      if (!row) throw new AppError('CONSENT_REQUIRED', 'Memory is off for you: give consent with POST /v1/memory/consent first', { status: 409 });
      return presentMemory(row);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/memory/:id',
    summary: 'Correct one of your memories',
    tags,
    auth: 'tenant',
    permission: 'memory:manage',
    params: memoryParams,
    body: memoryContentBody,
    response: memorySchema,
    handler: async ({ ctx, params, body }) =>
      presentMemory(await updateMemory({ ctx, ownerRef: ownerRefOf(ctx.principal, body.user), id: params.id, content: body.content })),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/memory/:id',
    summary: 'Forget one memory',
    tags,
    auth: 'tenant',
    permission: 'memory:manage',
    params: memoryParams,
    query: memoryOwnerQuery,
    handler: async ({ ctx, params, query }) => {
      await deleteMemory({ ctx, ownerRef: ownerRefOf(ctx.principal, query.user), id: params.id });
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/memory',
    summary: 'Erase everything Atrium remembers about you (and reset consent)',
    tags,
    auth: 'tenant',
    permission: 'memory:manage',
    query: memoryOwnerQuery,
    response: z.object({ deleted: z.number().int() }),
    handler: async ({ ctx, query }) => eraseMemories({ ctx, ownerRef: ownerRefOf(ctx.principal, query.user) }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/memory/consent',
    summary: 'Give or withdraw consent to be remembered',
    tags,
    auth: 'tenant',
    permission: 'memory:manage',
    body: consentBody,
    response: consentSchema,
    handler: async ({ ctx, body }) => {
      const ownerRef = ownerRefOf(ctx.principal, body.user);
      const consent = await setMemoryConsent({ ctx, ownerRef, granted: body.granted });
      const { allowed, settings } = await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
        const { config } = await activeTenantConfig(tx, ctx.tenant.id);
        return { allowed: await memoryAllowed(tx, ctx.tenant.id, ownerRef, config.memory), settings: config.memory };
      });
      return presentConsent(allowed, consent, settings);
    },
  }),
];
