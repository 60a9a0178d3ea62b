import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, runCommand, startProcess, waitUntil } from '../support/process';
import { keycloakAdmin, type KeycloakInfo } from '../support/keycloak';
import { startTestServices } from '../support/services';

/**
 * The whole console stack on loopback: a real Keycloak (the machine's shared test instance, test/support/services.ts),
 * the orchestrator trusting it (serve-api.ts: own PostgreSQL database, in-process worker), and the production build
 * of the shell (`next build` + `next start`) on a free port that is added to the atrium-shell client's redirect URIs.
 * Everything this run started stops at the end of it.
 */
export interface ShellStack {
  shellUrl: string;
  apiUrl: string;
  issuer: string;
  adminKey: string;
  artifacts: string;
  /** For tests that change the realm for their own duration (token lifetimes); they restore what they change. */
  keycloak: KeycloakInfo;
  /** acme's Chatwoot integration (a fake Chatwoot, see serve-api.ts), its account, and a conversation in it that was handed off */
  chatwoot: { integrationId: string; conversationId: number; baseUrl: string; accountId: number };
}

const REPO = join(import.meta.dirname, '..', '..');
const SHELL = join(REPO, 'shell');

export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.error('[e2e-shell] stop failed', e));
  };
  try {
    const artifacts = join(REPO, 'test-artifacts', 'shell');
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });

    const build = process.env.SHELL_E2E_SKIP_BUILD
      ? Promise.resolve('')
      : runCommand('npx', ['next', 'build'], { cwd: SHELL, timeoutMs: 900_000, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    build.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled" meanwhile
    const services = await startTestServices(['keycloak']);
    stops.push(() => services.stop());
    const keycloak = { info: services.keycloak! };

    const port = await freePort();
    const shellUrl = `http://127.0.0.1:${port}`;
    const readyFile = join(artifacts, 'api-ready.json');
    const api = startProcess({
      name: 'orchestrator',
      command: join(REPO, 'node_modules', '.bin', 'tsx'),
      args: [join(import.meta.dirname, 'serve-api.ts')],
      cwd: REPO,
      logFile: join(artifacts, 'orchestrator.log'),
      // The website widget calls the API from the shell's origin (widget-demo.html), so CORS must allow it.
      env: { OIDC_ISSUER_URL: keycloak.info.issuer, E2E_READY_FILE: readyFile, CORS_ORIGINS: shellUrl },
    });
    stops.push(() => api.stop());
    await waitUntil('the orchestrator', 180_000, api, async () => existsSync(readyFile));
    const { apiUrl, adminKey, chatwoot } = JSON.parse(readFileSync(readyFile, 'utf8')) as Pick<ShellStack, 'apiUrl' | 'adminKey' | 'chatwoot'>;

    await allowShellUrl(keycloak.info, shellUrl);

    await build;
    const shell = startProcess({
      name: 'shell',
      command: join(REPO, 'node_modules', '.bin', 'next'),
      args: ['start', '-H', '127.0.0.1', '-p', String(port)],
      cwd: SHELL,
      logFile: join(artifacts, 'shell.log'),
      env: {
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        ATRIUM_API_URL: apiUrl,
        SHELL_PUBLIC_URL: shellUrl,
        OIDC_ISSUER_URL: keycloak.info.issuer,
        OIDC_CLIENT_ID: 'atrium-shell',
        OIDC_CLIENT_SECRET: 'atrium-shell-dev-secret',
        SHELL_SESSION_SECRET: 'e2e-session-secret-0123456789abcdef0123456789',
      },
    });
    stops.push(() => shell.stop());
    await waitUntil(`shell on ${shellUrl}`, 60_000, shell, async () => (await fetch(`${shellUrl}/login`).catch(() => undefined))?.ok ?? false);

    const stack: ShellStack = { shellUrl, apiUrl, issuer: keycloak.info.issuer, adminKey, artifacts, keycloak: keycloak.info, chatwoot };
    project.provide('shellStack' as never, stack as never);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}

/** The realm ships redirect URIs for port 3000; the test shell runs on a free port, so it is added for this run. */
async function allowShellUrl(info: Parameters<typeof keycloakAdmin>[0], shellUrl: string) {
  const admin = await keycloakAdmin(info);
  const [client] = await admin.client.clients.find({ clientId: 'atrium-shell' });
  if (!client?.id) throw new Error('atrium-shell client missing from the realm');
  if (client.redirectUris?.includes(`${shellUrl}/*`)) return; // the shared instance may have seen this port before
  await admin.client.clients.update(
    { id: client.id },
    {
      ...client,
      redirectUris: [...(client.redirectUris ?? []), `${shellUrl}/*`],
      webOrigins: [...(client.webOrigins ?? []), shellUrl],
      attributes: { ...client.attributes, 'post.logout.redirect.uris': `${client.attributes?.['post.logout.redirect.uris'] ?? ''}##${shellUrl}/*` },
    },
  );
}
