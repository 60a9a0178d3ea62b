import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { freePort, runCommand, startProcess, waitUntil } from './process';
import type { Launched } from './shared-service';

/**
 * A real Keycloak for tests (contracts/keycloak.md §2): a hard-linked copy of the distribution that
 * scripts/provision/keycloak.sh downloaded and pre-built, started with `start --optimized` on free loopback ports,
 * an in-memory database and the repo's realm file imported. The issuer is pinned with --hostname so tokens carry
 * exactly `http://127.0.0.1:<port>/realms/atrium`.
 */
export interface KeycloakInfo {
  url: string;
  issuer: string;
  realm: string;
  /** password of the bootstrap master-realm user `admin` (see keycloakAdmin) */
  adminPassword: string;
}

export const REALM = 'atrium';
const REPO_ROOT = join(import.meta.dirname, '..', '..');
const cacheDir = () => process.env.ATRIUM_CACHE ?? join(homedir(), '.cache', 'atrium');

/** Same choice as scripts/provision/keycloak.sh: the newest pre-built distribution in the cache. */
export function findKeycloakHome(): string {
  if (process.env.ATRIUM_KEYCLOAK_HOME) return process.env.ATRIUM_KEYCLOAK_HOME;
  const dir = join(cacheDir(), 'keycloak');
  const built = (existsSync(dir) ? readdirSync(dir) : [])
    .filter((d) => /^keycloak-\d+\.\d+\.\d+$/.test(d) && existsSync(join(dir, d, '.atrium-build-opts')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const newest = built.at(-1);
  if (!newest) throw new Error(`no pre-built Keycloak in ${dir}: run scripts/provision/keycloak.sh`);
  return join(dir, newest);
}

/**
 * The realm file as shipped, plus two test-only changes: cheap password hashing (Keycloak's default costs seconds
 * per login on a busy 2-core machine; the demo passwords are public anyway, and nothing here tests hashing
 * strength), and no brute-force lockout (tests deliberately send wrong passwords to a Keycloak shared by all runs).
 */
export function testRealm(): Record<string, unknown> {
  const realm = JSON.parse(readFileSync(join(REPO_ROOT, 'keycloak', 'atrium-realm.json'), 'utf8')) as Record<string, unknown>;
  return { ...realm, passwordPolicy: 'hashAlgorithm(pbkdf2-sha256) and hashIterations(1)', bruteForceProtected: false };
}

/** Starts a Keycloak and waits until the realm answers; the caller owns the process (see shared-service.ts). */
export async function launchKeycloak(options: { readyTimeoutMs?: number } = {}): Promise<Launched<KeycloakInfo>> {
  const home = findKeycloakHome();
  const runsDir = join(cacheDir(), 'keycloak', 'runs');
  mkdirSync(runsDir, { recursive: true });
  // Hard links (same filesystem as the cache): instant, no extra disk, and kc.sh resolves its home to this copy,
  // so the import folder, tmp files and logs are private to this instance.
  const run = mkdtempSync(join(runsDir, 'kc-'));
  await runCommand('cp', ['-al', `${home}/.`, run]);
  mkdirSync(join(run, 'data', 'import'), { recursive: true });
  writeFileSync(join(run, 'data', 'import', `${REALM}-realm.json`), JSON.stringify(testRealm()));

  const [port, managementPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = randomBytes(12).toString('hex');
  const proc = startProcess({
    name: 'keycloak',
    command: join(run, 'bin', 'kc.sh'),
    args: [
      'start',
      '--optimized',
      '--http-enabled=true',
      '--http-host=127.0.0.1',
      `--http-port=${port}`,
      `--hostname=${url}`,
      `--http-management-port=${managementPort}`,
      '--import-realm',
      '--log-level=WARN',
    ],
    env: {
      KC_BOOTSTRAP_ADMIN_USERNAME: 'admin',
      KC_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      // C1-only JIT: a faster start on the 2 shared cores (a test instance never runs long enough to profit from C2).
      JAVA_OPTS_APPEND: '-XX:TieredStopAtLevel=1',
    },
    logFile: join(run, 'keycloak.log'),
  });
  try {
    await waitUntil(`Keycloak on ${url}`, options.readyTimeoutMs ?? 300_000, proc, async () => {
      const ready = await fetch(`http://127.0.0.1:${managementPort}/health/ready`).catch(() => undefined);
      if (!ready?.ok) return false;
      const discovery = await fetch(`${url}/realms/${REALM}/.well-known/openid-configuration`).catch(() => undefined);
      return Boolean(discovery?.ok);
    });
  } catch (e) {
    await proc.stop();
    rmSync(run, { recursive: true, force: true });
    throw e;
  }
  return { info: { url, issuer: `${url}/realms/${REALM}`, realm: REALM, adminPassword }, pid: proc.pid, dir: run };
}

/** True when the instance still answers with the atrium realm (used to decide whether to reuse it). */
export async function keycloakHealthy(info: KeycloakInfo): Promise<boolean> {
  const res = await fetch(`${info.issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
  return res.ok;
}

export const tokenResponseSchema = z.object({
  access_token: z.string(),
  expires_in: z.number(),
  refresh_token: z.string().optional(),
  id_token: z.string().optional(),
  token_type: z.string(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;

/** Password grant through the dev/test-only public client `atrium-cli` (contract §5). */
export async function keycloakToken(issuer: string, username: string, password: string): Promise<TokenResponse> {
  const res = await fetch(`${issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'atrium-cli', username, password, scope: 'openid' }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`password grant for ${username} failed with HTTP ${res.status}: ${body.slice(0, 300)}`);
  return tokenResponseSchema.parse(JSON.parse(body));
}

/** Demo password convention of keycloak/atrium-realm.json. */
export const demoPassword = (username: string) => `${username}-pass`;

export { keycloakAdmin, type KeycloakAdmin } from './keycloak-admin';
