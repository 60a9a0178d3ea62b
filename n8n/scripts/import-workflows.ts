/**
 * Imports Atrium's sample tool workflows (n8n/workflows/*.json) into an n8n instance over its public API,
 * activates them (live, no restart; contracts/n8n.md §5.2), and optionally registers the matching tools
 * (n8n/tools.json) in an Atrium tenant. Idempotent: workflows are matched by name and updated in place,
 * tools by name.
 *
 *   N8N_BASE_URL=http://127.0.0.1:5678 N8N_API_KEY=… N8N_WEBHOOK_SECRET=… \
 *   [ATRIUM_URL=http://127.0.0.1:8080 ATRIUM_API_KEY=atr_… ATRIUM_TENANT=acme] npx tsx n8n/scripts/import-workflows.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createN8nApi, type WorkflowDefinition } from '@atrium/connectors/n8n';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
export const WORKFLOWS_DIR = join(ROOT, 'workflows');
export const SECRET_PLACEHOLDER = '__ATRIUM_WEBHOOK_SECRET__';

export interface SampleTool {
  name: string;
  description: string;
  risk: 'read' | 'low' | 'high' | 'critical';
  input_schema: Record<string, unknown>;
  binding: { kind: 'n8n'; path: string; timeout_ms: number };
  rate_limit_per_minute?: number;
}

export const sampleTools = (): SampleTool[] => JSON.parse(readFileSync(join(ROOT, 'tools.json'), 'utf8')) as SampleTool[];

/** The workflow files with the signing secret filled in (it must match Atrium's N8N_WEBHOOK_SECRET). */
export function loadWorkflows(secret: string): WorkflowDefinition[] {
  if (!secret || secret.length < 16) throw new Error('N8N_WEBHOOK_SECRET must be at least 16 characters (the workflows verify every call with it)');
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = readFileSync(join(WORKFLOWS_DIR, f), 'utf8').replaceAll(SECRET_PLACEHOLDER, secret.replace(/["\\]/g, '\\$&'));
      const { name, nodes, connections, settings } = JSON.parse(raw) as WorkflowDefinition;
      return { name, nodes, connections, settings };
    });
}

export async function importWorkflows(options: {
  baseUrl: string;
  apiKey: string;
  secret: string;
  log?: (line: string) => void;
}): Promise<{ id: string; name: string }[]> {
  const api = createN8nApi({ baseUrl: options.baseUrl, apiKey: options.apiKey });
  const existing = new Map((await api.listWorkflows()).map((w) => [w.name, w]));
  const out: { id: string; name: string }[] = [];
  for (const definition of loadWorkflows(options.secret)) {
    const current = existing.get(definition.name);
    const saved = current ? await api.updateWorkflow(current.id, definition) : await api.createWorkflow(definition);
    if (!saved.active) await api.activateWorkflow(saved.id);
    options.log?.(`${current ? 'updated' : 'created'} and active: ${definition.name} (${saved.id})`);
    out.push({ id: saved.id, name: definition.name });
  }
  return out;
}

/** Registers (or updates) the sample tools in an Atrium tenant through Atrium's own API. */
export async function registerTools(options: { atriumUrl: string; apiKey: string; tenant?: string; log?: (line: string) => void }): Promise<void> {
  const headers = {
    authorization: `Bearer ${options.apiKey}`,
    'content-type': 'application/json',
    ...(options.tenant ? { 'x-tenant-id': options.tenant } : {}),
  };
  const base = options.atriumUrl.replace(/\/$/, '');
  const list = await fetch(`${base}/v1/tools`, { headers });
  if (!list.ok) throw new Error(`GET /v1/tools answered ${list.status}: ${await list.text()}`);
  const byName = new Map(((await list.json()) as { items: { id: string; name: string }[] }).items.map((t) => [t.name, t.id]));
  for (const tool of sampleTools()) {
    const id = byName.get(tool.name);
    const r = await fetch(id ? `${base}/v1/tools/${id}` : `${base}/v1/tools`, { method: id ? 'PUT' : 'POST', headers, body: JSON.stringify(tool) });
    if (!r.ok) throw new Error(`${id ? 'PUT' : 'POST'} tool ${tool.name} answered ${r.status}: ${await r.text()}`);
    options.log?.(`${id ? 'updated' : 'registered'} tool ${tool.name} (${tool.risk} risk)`);
  }
}

async function main() {
  const env = process.env;
  const need = (k: string) => env[k] || (console.error(`${k} is required`), process.exit(2));
  await importWorkflows({ baseUrl: need('N8N_BASE_URL'), apiKey: need('N8N_API_KEY'), secret: need('N8N_WEBHOOK_SECRET'), log: console.log });
  if (env.ATRIUM_URL && env.ATRIUM_API_KEY)
    await registerTools({ atriumUrl: env.ATRIUM_URL, apiKey: env.ATRIUM_API_KEY, tenant: env.ATRIUM_TENANT, log: console.log });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
