import { z } from 'zod';

/**
 * The slice of n8n's public REST API (`/api/v1`, X-N8N-API-KEY; contracts/n8n.md §5) Atrium uses: create,
 * update and activate workflows (applies live, no restart) and read executions.
 */
export class N8nApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'N8nApiError';
  }
}

export const workflowSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  active: z.boolean(),
  nodes: z.array(z.looseObject({ name: z.string(), type: z.string(), parameters: z.record(z.string(), z.unknown()).optional() })).default([]),
});
export type N8nWorkflow = z.infer<typeof workflowSchema>;

export const executionSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  workflowId: z.string(),
  status: z.string(),
  mode: z.string().optional(),
  startedAt: z.string().nullable().optional(),
  stoppedAt: z.string().nullable().optional(),
});
export type N8nExecution = z.infer<typeof executionSchema>;

/** What may be sent when creating a workflow (n8n refuses id/active in the body). */
export interface WorkflowDefinition {
  name: string;
  nodes: unknown[];
  connections: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

export interface N8nApi {
  listWorkflows(): Promise<N8nWorkflow[]>;
  createWorkflow(definition: WorkflowDefinition): Promise<N8nWorkflow>;
  updateWorkflow(id: string, definition: WorkflowDefinition): Promise<N8nWorkflow>;
  activateWorkflow(id: string): Promise<N8nWorkflow>;
  deactivateWorkflow(id: string): Promise<N8nWorkflow>;
  listExecutions(filter?: { workflowId?: string; status?: string; limit?: number }): Promise<N8nExecution[]>;
}

export function createN8nApi(options: { baseUrl: string; apiKey: string; timeoutMs?: number }): N8nApi {
  const base = `${options.baseUrl.replace(/\/$/, '')}/api/v1`;
  async function call<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'X-N8N-API-KEY': options.apiKey, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    if (!res.ok) throw new N8nApiError(res.status, `n8n ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return schema.parse(text ? JSON.parse(text) : {});
  }
  const page = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable().optional() });

  return {
    async listWorkflows() {
      const out: N8nWorkflow[] = [];
      let cursor: string | null | undefined;
      do {
        const r = await call('GET', `/workflows?limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, page(workflowSchema));
        out.push(...r.data);
        cursor = r.nextCursor;
      } while (cursor);
      return out;
    },
    createWorkflow: (d) => call('POST', '/workflows', workflowSchema, d),
    updateWorkflow: (id, d) => call('PUT', `/workflows/${encodeURIComponent(id)}`, workflowSchema, d),
    activateWorkflow: (id) => call('POST', `/workflows/${encodeURIComponent(id)}/activate`, workflowSchema),
    deactivateWorkflow: (id) => call('POST', `/workflows/${encodeURIComponent(id)}/deactivate`, workflowSchema),
    async listExecutions(filter = {}) {
      const q = new URLSearchParams({ limit: String(filter.limit ?? 20) });
      if (filter.workflowId) q.set('workflowId', filter.workflowId);
      if (filter.status) q.set('status', filter.status);
      return (await call('GET', `/executions?${q}`, page(executionSchema))).data;
    },
  };
}

/** Webhook paths a workflow listens on (its Webhook nodes), e.g. `tool/lookup-order`. */
export const webhookPathsOf = (workflow: Pick<N8nWorkflow, 'nodes'>): string[] =>
  workflow.nodes
    .filter((n) => n.type === 'n8n-nodes-base.webhook')
    .map((n) => String(n.parameters?.path ?? ''))
    .filter(Boolean);
