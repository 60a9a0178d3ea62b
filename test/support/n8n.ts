import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { freePort, startProcess, waitUntil } from './process';
import type { Launched } from './shared-service';

/**
 * A real n8n 2.8.4 for tests (contracts/n8n.md §3, §5): installed by scripts/provision/n8n.sh, started with a
 * throwaway user folder and free ports, then claimed headlessly (owner setup) and given an API key.
 */
export interface N8nInfo {
  url: string;
  apiKey: string;
}

export const N8N_VERSION = '2.8.4';
const OWNER = { email: 'owner@atrium.test', firstName: 'Atrium', lastName: 'Tests', password: 'Atrium-tests-0wner' };

export function findN8nBinary(): string {
  const home = process.env.ATRIUM_N8N_HOME ?? join(process.env.ATRIUM_CACHE ?? join(homedir(), '.cache', 'atrium'), `n8n-${N8N_VERSION}`);
  const bin = join(home, 'node_modules', '.bin', 'n8n');
  if (!existsSync(bin)) throw new Error(`n8n is not installed at ${home}: run scripts/provision/n8n.sh`);
  return bin;
}

/** The environment of contracts/n8n.md §3: loopback only, SQLite, nothing phoning home. */
function n8nEnv(folder: string, port: number, brokerPort: number): Record<string, string> {
  const url = `http://127.0.0.1:${port}`;
  return {
    // vitest sets NODE_ENV=test, under which n8n's CLI exits at once without a word
    NODE_ENV: 'production',
    N8N_USER_FOLDER: folder,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    // the task broker defaults to 5679 and two instances (or N8N_PORT=5679) would clash (gotcha 1)
    N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    WEBHOOK_URL: `${url}/`,
    N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
    N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
    N8N_SECURE_COOKIE: 'false',
    DB_TYPE: 'sqlite',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
    N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_DYNAMIC_BANNERS_ENABLED: 'false',
    N8N_HIRING_BANNER_ENABLED: 'false',
    N8N_AI_ENABLED: 'false',
    N8N_COMMUNITY_PACKAGES_ENABLED: 'false',
    N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
    EXTERNAL_FRONTEND_HOOKS_URLS: '',
    SCARF_ANALYTICS: 'false',
    DO_NOT_TRACK: '1',
    N8N_PYTHON_ENABLED: 'false',
  };
}

/** Starts n8n, waits for its webhooks to be live and claims it; the caller owns the process (shared-service.ts). */
export async function launchN8n(options: { readyTimeoutMs?: number } = {}): Promise<Launched<N8nInfo>> {
  const bin = findN8nBinary();
  const folder = mkdtempSync(join(process.env.ATRIUM_CACHE ?? join(homedir(), '.cache', 'atrium'), 'n8n-run-'));
  const [port, brokerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(folder, 'n8n.log');
  const proc = startProcess({ name: 'n8n', command: bin, args: ['start'], env: n8nEnv(folder, port, brokerPort), logFile });
  try {
    // /healthz/readiness answers ~3 s before webhooks are registered; the log line comes after them (gotcha 7).
    await waitUntil(`n8n on ${url}`, options.readyTimeoutMs ?? 180_000, proc, async () => readFileSync(logFile, 'utf8').includes('Editor is now accessible'));
    const apiKey = await claimInstance(url);
    return { info: { url, apiKey }, pid: proc.pid, dir: folder };
  } catch (e) {
    await proc.stop();
    rmSync(folder, { recursive: true, force: true });
    throw e;
  }
}

/** True when the instance still accepts the key (used to decide whether to reuse it). */
export async function n8nHealthy(info: N8nInfo): Promise<boolean> {
  const res = await fetch(`${info.url}/api/v1/workflows?limit=1`, { headers: { 'X-N8N-API-KEY': info.apiKey }, signal: AbortSignal.timeout(5_000) });
  return res.ok;
}

const apiKeyResponse = z.object({ data: z.object({ rawApiKey: z.string().min(20) }) });

/**
 * Owner setup + API key, the two REST calls the UI makes (contract §5). The cookie is bound to the browser-id
 * header, so both calls send the same one (gotcha 8).
 */
export async function claimInstance(url: string): Promise<string> {
  const headers = { 'content-type': 'application/json', 'browser-id': 'atrium-tests' };
  const setup = await fetch(`${url}/rest/owner/setup`, { method: 'POST', headers, body: JSON.stringify(OWNER), signal: AbortSignal.timeout(30_000) });
  if (!setup.ok) throw new Error(`n8n owner setup failed with HTTP ${setup.status}: ${(await setup.text()).slice(0, 300)}`);
  const cookie = setup.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const key = await fetch(`${url}/rest/api-keys`, {
    method: 'POST',
    headers: { ...headers, cookie },
    // community instances ignore the scopes and grant all owner scopes; the list must still be non-empty
    body: JSON.stringify({ label: 'atrium-tests', scopes: ['workflow:read'], expiresAt: null }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!key.ok) throw new Error(`n8n API key creation failed with HTTP ${key.status}: ${(await key.text()).slice(0, 300)}`);
  return apiKeyResponse.parse(await key.json()).data.rawApiKey;
}
