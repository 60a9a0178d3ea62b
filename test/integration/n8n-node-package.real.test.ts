import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createN8nApi } from '@atrium/connectors/n8n';
import { bearer, buildApiKey, buildTenant } from '../factories';
import { createTestAtrium, type TestAtrium } from '../support/app';
import { claimInstance, findN8nBinary } from '../support/n8n';
import { freePort, runCommand, startProcess, waitUntil, type RunningProcess } from '../support/process';

/**
 * The community node package compiled with tsc and loaded by a real n8n 2.8.4 as a custom extension
 * (contracts/n8n.md §7): an Atrium node creates an approval in a real Atrium, and an Atrium Trigger,
 * activated over n8n's public API, subscribes itself and runs its workflow on a signed Atrium event.
 * Needs its own n8n process (custom extensions load only at start), so it runs when n8n tests run.
 */
const PACKAGE_DIR = join(import.meta.dirname, '..', '..', 'n8n', 'nodes-atrium');
const wanted = (process.env.ATRIUM_TEST_SERVICES ?? 'keycloak,n8n').split(',').includes('n8n');
const installed = (() => {
  try {
    return !!findN8nBinary();
  } catch {
    return false;
  }
})();

describe.runIf(wanted && installed)('n8n-nodes-atrium inside a real n8n', () => {
  let atrium: TestAtrium;
  let atriumServer: Server;
  let atriumUrl: string;
  let adminKey: string;
  let n8n: RunningProcess;
  let n8nUrl: string;
  let apiKey: string;
  const work = mkdtempSync(join(tmpdir(), 'atrium-n8n-ext-'));

  beforeAll(async () => {
    await runCommand('npx', ['tsc', '-p', join(PACKAGE_DIR, 'tsconfig.json'), '--outDir', join(work, 'ext', 'n8n-nodes-atrium', 'dist')], {
      timeoutMs: 120_000,
    });
    cpSync(join(PACKAGE_DIR, 'package.json'), join(work, 'ext', 'n8n-nodes-atrium', 'package.json'));
    atrium = await createTestAtrium({ env: { WEBHOOK_DISPATCH_INTERVAL_MS: '200' } });
    atriumServer = atrium.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => atriumServer.once('listening', resolve));
    atriumUrl = `http://127.0.0.1:${(atriumServer.address() as AddressInfo).port}`;
    const [port, broker] = [await freePort(), await freePort()];
    n8nUrl = `http://127.0.0.1:${port}`;
    mkdirSync(join(work, 'home'));
    n8n = startProcess({
      name: 'n8n (custom nodes)',
      command: findN8nBinary(),
      args: ['start'],
      logFile: join(work, 'n8n.log'),
      env: {
        N8N_USER_FOLDER: join(work, 'home'),
        N8N_PORT: String(port),
        N8N_LISTEN_ADDRESS: '127.0.0.1',
        N8N_RUNNERS_BROKER_PORT: String(broker),
        N8N_HOST: '127.0.0.1',
        N8N_PROTOCOL: 'http',
        WEBHOOK_URL: `${n8nUrl}/`,
        DB_TYPE: 'sqlite',
        N8N_ENCRYPTION_KEY: 'atrium-node-package-test-key',
        N8N_DIAGNOSTICS_ENABLED: 'false',
        N8N_PERSONALIZATION_ENABLED: 'false',
        N8N_SECURE_COOKIE: 'false',
        N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
        N8N_TEMPLATES_ENABLED: 'false',
        N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
        N8N_PYTHON_ENABLED: 'false',
        DO_NOT_TRACK: '1',
        N8N_CUSTOM_EXTENSIONS: join(work, 'ext'),
        // vitest sets NODE_ENV=test, with which n8n 2.8.4 exits at once with code 1 and no log line
        NODE_ENV: 'production',
      },
    });
    await waitUntil(
      `n8n on ${n8nUrl}`,
      120_000,
      n8n,
      async () => existsSync(n8n.logFile) && readFileSync(n8n.logFile, 'utf8').includes('Editor is now accessible'),
    );
    apiKey = await claimInstance(n8nUrl);
    const tenant = await buildTenant(atrium.services);
    adminKey = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
  }, 240_000);

  afterAll(async () => {
    await n8n?.stop();
    atriumServer?.close();
    await atrium?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const n8nApi = (path: string, body: unknown) =>
    fetch(`${n8nUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { 'X-N8N-API-KEY': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`n8n ${path}: ${r.status} ${await r.text()}`);
      return r.json() as Promise<{ id: string }>;
    });
  const node = (id: number, name: string, type: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    id: `d1000000-0000-4000-8000-00000000000${id}`,
    name,
    type,
    typeVersion: type.startsWith('CUSTOM.') ? 1 : 2.1,
    position: [id * 220, 0],
    parameters,
    ...extra,
  });

  it('loads the package: the Atrium node creates an approval in Atrium from a workflow', async () => {
    const credential = await n8nApi('/credentials', { name: 'Atrium', type: 'atriumApi', data: { baseUrl: atriumUrl, apiKey: adminKey, tenant: '' } });
    const workflow = await n8nApi('/workflows', {
      name: 'escalate to a manager',
      settings: { executionOrder: 'v1' },
      nodes: [
        node(
          1,
          'Webhook',
          'n8n-nodes-base.webhook',
          { httpMethod: 'POST', path: 'escalate', responseMode: 'lastNode', options: {} },
          { webhookId: 'd1000000-0000-4000-8000-000000000091' },
        ),
        node(
          2,
          'Atrium',
          'CUSTOM.atrium',
          { operation: 'createApproval', approvalType: 'manager_review', title: '={{ $json.body.title }}' },
          { credentials: { atriumApi: { id: credential.id, name: 'Atrium' } } },
        ),
      ],
      connections: { Webhook: { main: [[{ node: 'Atrium', type: 'main', index: 0 }]] } },
    });
    await n8nApi(`/workflows/${workflow.id}/activate`, {});
    const r = await fetch(`${n8nUrl}/webhook/escalate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'VIP asks for an exception' }),
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ type: 'manager_review', title: 'VIP asks for an exception', status: 'submitted' });
    const list = await atrium.http.get('/v1/approvals').query({ type: 'manager_review' }).set(bearer(adminKey));
    expect(list.body.items.map((a: { title: string }) => a.title)).toContain('VIP asks for an exception');
  });

  it('the Atrium Trigger subscribes on activation and runs its workflow on a signed Atrium event', async () => {
    const credential = await n8nApi('/credentials', {
      name: 'Atrium (trigger)',
      type: 'atriumApi',
      data: { baseUrl: atriumUrl, apiKey: adminKey, tenant: '' },
    });
    const workflow = await n8nApi('/workflows', {
      name: 'on approval requested',
      settings: { executionOrder: 'v1' },
      nodes: [
        node(
          1,
          'Atrium Trigger',
          'CUSTOM.atriumTrigger',
          { events: ['approval.requested'] },
          { webhookId: 'd1000000-0000-4000-8000-000000000092', credentials: { atriumApi: { id: credential.id, name: 'Atrium (trigger)' } } },
        ),
      ],
      connections: {},
    });
    await n8nApi(`/workflows/${workflow.id}/activate`, {});
    const endpoints = await atrium.http.get('/v1/admin/webhooks').set(bearer(adminKey));
    expect(endpoints.body.items).toEqual([expect.objectContaining({ url: expect.stringContaining(`${n8nUrl}/webhook/`), events: ['approval.requested'] })]);
    await atrium.http.post('/v1/approvals').set(bearer(adminKey)).send({ type: 'manager_review', title: 'Seen by the trigger' });
    const executions = () => createN8nApi({ baseUrl: n8nUrl, apiKey }).listExecutions({ workflowId: workflow.id, status: 'success' });
    await expect.poll(async () => (await executions()).length, { timeout: 20_000, interval: 500 }).toBeGreaterThan(0);
  });
});
