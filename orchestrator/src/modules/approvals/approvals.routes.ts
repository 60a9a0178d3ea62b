import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { getTenantConfig } from '../tenants';
import { findApproval } from './approval-store';
import { approvalIdParams, approvalSchema, createApprovalBody, decideBody, listApprovalsQuery } from './approvals.schema';
import { cancelApproval, submitDraft } from './commands/change-approval';
import { createApproval } from './commands/create-approval';
import { decideApproval, present } from './commands/decide-approval';
import { listApprovals } from './commands/list-approvals';

const tags = ['approvals'];

export const approvalRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/approvals',
    summary: 'Ask approvers for a decision (e.g. an agent escalating a case to a manager)',
    tags,
    auth: 'tenant',
    permission: 'approvals:create',
    body: createApprovalBody,
    response: approvalSchema,
    status: 201,
    handler: ({ ctx, body }) => createApproval({ ctx, input: body }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/approvals',
    summary: 'Approval requests, newest first (filters, cursor pagination)',
    tags,
    auth: 'tenant',
    permission: 'approvals:read',
    query: listApprovalsQuery,
    response: z.object({ items: z.array(approvalSchema), next_cursor: z.string().nullable() }),
    handler: ({ ctx, query }) => listApprovals({ ctx, query }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/approvals/:id',
    summary: 'One approval request, with what the caller may do with it (abilities)',
    tags,
    auth: 'tenant',
    permission: 'approvals:read',
    params: approvalIdParams,
    response: approvalSchema,
    handler: async ({ ctx, params }) => present(ctx, await ctx.services.db.withTenant(ctx.tenant.id, (tx) => findApproval(tx, ctx.tenant.id, params.id))),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/approvals/:id/approve',
    summary: 'Approve (the approved tool call then runs); 409 APPROVAL_ALREADY_DECIDED / APPROVAL_EXPIRED',
    tags,
    auth: 'tenant',
    permission: 'approvals:decide',
    params: approvalIdParams,
    body: decideBody,
    response: approvalSchema,
    handler: ({ ctx, params, body }) => decideApproval({ ctx, id: params.id, decision: 'approved', reason: body.reason }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/approvals/:id/reject',
    summary: 'Reject (the customer is told politely); 409 APPROVAL_ALREADY_DECIDED / APPROVAL_EXPIRED',
    tags,
    auth: 'tenant',
    permission: 'approvals:decide',
    params: approvalIdParams,
    body: decideBody,
    response: approvalSchema,
    handler: ({ ctx, params, body }) => decideApproval({ ctx, id: params.id, decision: 'rejected', reason: body.reason }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/approvals/:id/cancel',
    summary: 'Withdraw a draft or pending request (requester or tenant admin)',
    tags,
    auth: 'tenant',
    permission: 'approvals:create',
    params: approvalIdParams,
    response: approvalSchema,
    handler: ({ ctx, params }) => cancelApproval({ ctx, id: params.id }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/approvals/:id/submit',
    summary: 'Submit a draft to the approvers',
    tags,
    auth: 'tenant',
    permission: 'approvals:create',
    params: approvalIdParams,
    response: approvalSchema,
    handler: async ({ ctx, params }) => {
      const { config } = await getTenantConfig(ctx.services.db, ctx.tenant.id);
      return submitDraft({ ctx, id: params.id, ttlMinutes: config.tools.approval_ttl_minutes });
    },
  }),
];
