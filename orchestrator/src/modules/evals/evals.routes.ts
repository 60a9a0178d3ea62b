import { z } from 'zod';
import { AppError } from '../../platform/errors';
import { defineRoute } from '../../platform/http/route';
import { actorOf } from '../audit';
import { builtInAttackSets } from './attack-sets';
import { addAttacksBody, createSuiteBody, idParams, redTeamRunBody, runSchema, suiteSchema } from './evals.schema';
import { presentRun, RUN_COLUMNS, type RunRow } from './evals.presenter';
import { startRun } from './commands/start-run';
import { getRun } from './commands/get-run';

interface SuiteRow {
  id: string;
  kind: string;
  name: string;
  cases: number;
  created_at: Date;
}
const presentSuite = (s: SuiteRow) => ({ id: s.id, kind: s.kind, name: s.name, cases: s.cases, created_at: s.created_at.toISOString() });
const SUITE_COLUMNS = 'id, kind, name, jsonb_array_length(cases) AS cases, created_at';

async function insertSuite(ctx: Parameters<typeof startRun>[0], kind: 'golden' | 'redteam', name: string, cases: unknown[], probe: unknown) {
  try {
    const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
      tx.query<SuiteRow>(
        `INSERT INTO eval_suites (tenant_id, kind, name, cases, probe, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SUITE_COLUMNS}`,
        [ctx.tenant.id, kind, name, JSON.stringify(cases), JSON.stringify(probe ?? {}), actorOf(ctx.principal).ref],
      ),
    );
    return presentSuite(r.rows[0]!);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AppError('CONFLICT', `A ${kind} suite named "${name}" already exists`);
    throw error;
  }
}

export const evalsRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/admin/evals/suites',
    summary: 'Create a golden eval suite (cases with expected facts and citations)',
    tags: ['evals'],
    auth: 'tenant',
    permission: 'evals:manage',
    body: createSuiteBody,
    response: suiteSchema,
    status: 201,
    handler: async ({ ctx, body }) => insertSuite(ctx, 'golden', body.name, body.cases, body.probe),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/evals/suites',
    summary: 'Eval suites of the tenant',
    tags: ['evals'],
    auth: 'tenant',
    permission: 'evals:read',
    response: z.object({ items: z.array(suiteSchema) }),
    handler: async ({ ctx }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<SuiteRow>(`SELECT ${SUITE_COLUMNS} FROM eval_suites ORDER BY created_at DESC`),
      );
      return { items: r.rows.map(presentSuite) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/evals/suites/:id/run',
    summary: 'Run a suite against the active configuration (a job; poll the run)',
    tags: ['evals'],
    auth: 'tenant',
    permission: 'evals:manage',
    params: idParams,
    response: runSchema,
    status: 202,
    handler: async ({ ctx, params }) => startRun(ctx, { kind: 'eval', suiteId: params.id }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/evals/suites/:id/runs',
    summary: "A suite's runs, newest first, with config version and score (compare versions)",
    tags: ['evals'],
    auth: 'tenant',
    permission: 'evals:read',
    params: idParams,
    response: z.object({ items: z.array(runSchema) }),
    handler: async ({ ctx, params }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM eval_runs WHERE suite_id = $1 ORDER BY created_at DESC LIMIT 100`, [params.id]),
      );
      return { items: r.rows.map(presentRun) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/evals/runs/:id',
    summary: 'An eval or red-team run: progress, score, per-case results, baseline',
    tags: ['evals'],
    auth: 'tenant',
    permission: 'evals:read',
    params: idParams,
    response: runSchema,
    handler: async ({ ctx, params }) => ctx.services.db.withTenant(ctx.tenant.id, (tx) => getRun(tx, params.id)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/red-team/sets',
    summary: 'Built-in attack sets and the tenant attack suites',
    tags: ['evals'],
    auth: 'tenant',
    permission: 'evals:read',
    response: z.object({
      built_in: z.array(z.object({ set: z.string(), category: z.string(), description: z.string(), attacks: z.number().int() })),
      tenant: z.array(suiteSchema),
    }),
    handler: async ({ ctx }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<SuiteRow>(`SELECT ${SUITE_COLUMNS} FROM eval_suites WHERE kind = 'redteam' ORDER BY name`),
      );
      return {
        built_in: builtInAttackSets().map((s) => ({ set: s.set, category: s.category, description: s.description, attacks: s.attacks.length })),
        tenant: r.rows.map(presentSuite),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/red-team/attacks',
    summary: 'Add a tenant attack suite (same format as the built-in sets); it joins every red-team run',
    tags: ['evals'],
    auth: 'tenant',
    permission: 'evals:manage',
    body: addAttacksBody,
    response: suiteSchema,
    status: 201,
    handler: async ({ ctx, body }) => insertSuite(ctx, 'redteam', body.name, body.attacks, { category: body.category }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/red-team/run',
    summary: "Run the red-team battery against the tenant's assistant (a job; poll the run)",
    tags: ['evals'],
    auth: 'tenant',
    permission: 'evals:manage',
    body: redTeamRunBody,
    response: runSchema,
    status: 202,
    handler: async ({ ctx, body }) => startRun(ctx, { kind: 'redteam', sets: body.sets }),
  }),
];
