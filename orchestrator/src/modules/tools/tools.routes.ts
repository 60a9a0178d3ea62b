import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { createTool } from './commands/create-tool';
import { deleteTool } from './commands/delete-tool';
import { invokeTool } from './commands/invoke-tool';
import { updateTool } from './commands/update-tool';
import { getTool, listTools } from './tool-store';
import { presentExecution, presentTool, type ExecutionRow } from './tools.presenter';
import { createdToolSchema, createToolBody, executionSchema, testToolBody, toolIdParams, toolOutcomeSchema, toolSchema, updateToolBody } from './tools.schema';

const tags = ['tools'];

export const toolRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/tools',
    summary: 'Register a tool (n8n workflow or HTTP endpoint) the assistant may call',
    tags,
    auth: 'tenant',
    permission: 'tools:manage',
    body: createToolBody,
    response: createdToolSchema,
    status: 201,
    handler: async ({ ctx, body }) => {
      const { tool, signingSecret } = await createTool({ ctx, input: body });
      return { ...presentTool(ctx, tool), signing_secret: signingSecret };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tools',
    summary: "The tenant's tools",
    tags,
    auth: 'tenant',
    permission: 'tools:read',
    response: z.object({ items: z.array(toolSchema) }),
    handler: async ({ ctx }) => ({
      items: (await ctx.services.db.withTenant(ctx.tenant.id, (tx) => listTools(tx, ctx.tenant.id))).map((t) => presentTool(ctx, t)),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tools/:id',
    summary: 'One tool',
    tags,
    auth: 'tenant',
    permission: 'tools:read',
    params: toolIdParams,
    response: toolSchema,
    handler: async ({ ctx, params }) => presentTool(ctx, await ctx.services.db.withTenant(ctx.tenant.id, (tx) => getTool(tx, ctx.tenant.id, params.id))),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/tools/:id',
    summary: 'Change a tool (fields given are replaced)',
    tags,
    auth: 'tenant',
    permission: 'tools:manage',
    params: toolIdParams,
    body: updateToolBody,
    response: toolSchema,
    handler: async ({ ctx, params, body }) => presentTool(ctx, await updateTool({ ctx, id: params.id, input: body })),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/tools/:id',
    summary: 'Delete a tool (its execution history stays)',
    tags,
    auth: 'tenant',
    permission: 'tools:manage',
    params: toolIdParams,
    status: 204,
    handler: ({ ctx, params }) => deleteTool({ ctx, id: params.id }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/tools/:id/test',
    // tools:execute (admins, agents): the tool's own allowed roles/groups still bind whoever cannot manage tools
    summary: 'Run a tool with sample input, as the assistant would (approval rules still apply)',
    tags,
    auth: 'tenant',
    permission: 'tools:execute',
    params: toolIdParams,
    body: testToolBody,
    response: toolOutcomeSchema,
    handler: async ({ ctx, params, body }) => {
      const o = await invokeTool({
        services: ctx.services,
        tenant: ctx.tenant,
        principal: ctx.principal,
        source: 'test',
        configurer: ctx.services.authz.can(ctx.principal, 'tools:manage', ctx.tenant),
        toolId: params.id,
        input: body.input,
        requestId: ctx.requestId,
      });
      return {
        status: o.status,
        execution_id: o.executionId,
        approval_id: o.approvalId,
        output: o.output,
        error: o.error,
        content: o.content,
        latency_ms: o.latencyMs,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tools/:id/executions',
    summary: 'Recent executions of a tool, newest first',
    tags,
    auth: 'tenant',
    permission: 'tools:read',
    params: toolIdParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: z.object({ items: z.array(executionSchema) }),
    handler: async ({ ctx, params, query }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<ExecutionRow>(
          `SELECT id, tool_id, tool_name, source, conversation_id, approval_id, status, error_code, latency_ms, actor_type, actor_ref, created_at
           FROM tool_executions WHERE tenant_id = $1 AND tool_id = $2 ORDER BY created_at DESC LIMIT $3`,
          [ctx.tenant.id, params.id, query.limit],
        ),
      );
      return { items: r.rows.map(presentExecution) };
    },
  }),
];
