// First-run wiring of the compose stack, safe to run any number of times (every step looks before it acts):
//   1. the demo tenant exists (created through the platform API when missing);
//   2. the n8n sample workflows are imported and active (matched by name; needs N8N_API_KEY);
//   3. the sample tools are registered in the tenant (matched by name, updated in place);
//   4. the tenant is connected to Chatwoot (agent bot, inbox link, account webhook; needs CHATWOOT_ADMIN_TOKEN),
//      unless a Chatwoot integration for that account already exists.
// Steps whose credentials are missing are skipped and say so; the exit code is non-zero only on a real failure.
import { fileURLToPath } from 'node:url';
import { importWorkflows, registerTools } from '../../n8n/scripts/import-workflows';

export interface BootstrapOptions {
  atriumUrl: string;
  adminKey: string;
  tenant: string;
  n8n?: { baseUrl: string; apiKey: string; secret: string };
  chatwoot?: { url: string; accountId: number; adminToken: string; inboxIds?: number[] };
  log?: (line: string) => void;
}

export interface BootstrapResult {
  tenantId: string;
  steps: Record<'tenant' | 'workflows' | 'tools' | 'chatwoot', 'created' | 'updated' | 'unchanged' | 'skipped'>;
}

async function api<T>(o: BootstrapOptions, method: string, path: string, body?: unknown, tenant?: string): Promise<T> {
  const r = await fetch(`${o.atriumUrl.replace(/\/$/, '')}${path}`, {
    method,
    headers: { authorization: `Bearer ${o.adminKey}`, 'content-type': 'application/json', ...(tenant ? { 'x-tenant-id': tenant } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path} answered ${r.status}: ${await r.text()}`);
  return (await r.json()) as T;
}

export async function bootstrap(o: BootstrapOptions): Promise<BootstrapResult> {
  const log = o.log ?? (() => undefined);
  const steps = {} as BootstrapResult['steps'];
  const tenants = await api<{ items: Array<{ id: string; slug: string }> }>(o, 'GET', '/v1/platform/tenants');
  let tenant = tenants.items.find((t) => t.slug === o.tenant);
  steps.tenant = tenant ? 'unchanged' : 'created';
  tenant ??= await api<{ id: string; slug: string }>(o, 'POST', '/v1/platform/tenants', { slug: o.tenant, name: 'Demo Company' });
  log(`tenant ${o.tenant}: ${steps.tenant}`);

  if (o.n8n) {
    await importWorkflows({ ...o.n8n, log });
    steps.workflows = 'updated';
  } else {
    steps.workflows = 'skipped';
    log('n8n workflows: skipped (N8N_API_KEY not set)');
  }

  const before = await api<{ items: Array<{ name: string }> }>(o, 'GET', '/v1/tools', undefined, o.tenant);
  await registerTools({ atriumUrl: o.atriumUrl, apiKey: o.adminKey, tenant: o.tenant, log });
  steps.tools = before.items.length ? 'updated' : 'created';

  if (!o.chatwoot) {
    steps.chatwoot = 'skipped';
    log('chatwoot: skipped (CHATWOOT_ADMIN_TOKEN not set)');
  } else {
    // The audit log is the record of connects and disconnects: the newest event for this account decides.
    const events = await api<{ items: Array<{ action: string; data: Record<string, unknown> }> }>(
      o,
      'GET',
      '/v1/admin/audit-logs?action=integration.*&limit=500',
      undefined,
      o.tenant,
    );
    const latest = events.items.find((e) => e.data.kind === 'chatwoot' && e.data.account_id === o.chatwoot!.accountId);
    const connected = latest?.action === 'integration.created';
    if (connected) {
      steps.chatwoot = 'unchanged';
    } else {
      await api(
        o,
        'POST',
        '/v1/integrations/chatwoot',
        {
          name: 'Chatwoot',
          base_url: o.chatwoot.url,
          account_id: o.chatwoot.accountId,
          admin_token: o.chatwoot.adminToken,
          inbox_ids: o.chatwoot.inboxIds ?? [],
        },
        o.tenant,
      );
      steps.chatwoot = 'created';
    }
    log(`chatwoot: ${steps.chatwoot}`);
  }
  return { tenantId: tenant.id, steps };
}

async function main() {
  const env = process.env;
  const need = (k: string) => env[k] || (console.error(`${k} is required`), process.exit(2));
  const result = await bootstrap({
    atriumUrl: env.ATRIUM_INTERNAL_URL ?? 'http://127.0.0.1:8080',
    adminKey: need('ATRIUM_ADMIN_API_KEY'),
    tenant: env.BOOTSTRAP_TENANT ?? 'demo',
    n8n: env.N8N_API_KEY && env.N8N_BASE_URL ? { baseUrl: env.N8N_BASE_URL, apiKey: env.N8N_API_KEY, secret: env.N8N_WEBHOOK_SECRET ?? '' } : undefined,
    chatwoot:
      env.CHATWOOT_ADMIN_TOKEN && env.CHATWOOT_URL
        ? { url: env.CHATWOOT_URL, accountId: Number(env.CHATWOOT_ACCOUNT_ID ?? 1), adminToken: env.CHATWOOT_ADMIN_TOKEN }
        : undefined,
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(result));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
