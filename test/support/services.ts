import { keycloakHealthy, launchKeycloak, type KeycloakInfo } from './keycloak';
import { launchN8n, n8nHealthy, type N8nInfo } from './n8n';
import { acquireShared } from './shared-service';

/**
 * The real external services a test run needs, started in parallel (Keycloak ~1-3 min and n8n ~10-60 s on this
 * busy 2-core machine) or reused: an instance left running by an earlier run on this machine is reused while it is
 * healthy (shared-service.ts; ATRIUM_TEST_SERVICES_IDLE_SECONDS=0 stops it at the end of the run instead), and
 * instances named in the environment are used as they are: ATRIUM_TEST_KEYCLOAK_URL (+ ATRIUM_TEST_KEYCLOAK_ADMIN_PASSWORD)
 * and ATRIUM_TEST_N8N_URL + ATRIUM_TEST_N8N_API_KEY.
 * vitest's global setup provides the result to tests under the keys `keycloak` and `n8n` (see ProvidedContext).
 */
export interface TestServices {
  keycloak?: KeycloakInfo;
  n8n?: N8nInfo;
  stop(): Promise<void>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    keycloak: KeycloakInfo;
    n8n: N8nInfo;
  }
}

export async function startTestServices(names: readonly string[]): Promise<TestServices> {
  const unknown = names.filter((n) => n !== 'keycloak' && n !== 'n8n');
  if (unknown.length) throw new Error(`unknown test service(s): ${unknown.join(', ')} (known: keycloak, n8n)`);
  const releases: Array<() => void> = [];
  const result: TestServices = {
    async stop() {
      for (const release of releases.splice(0)) release();
    },
  };

  const starting: Array<Promise<void>> = [];
  if (names.includes('keycloak')) {
    const reuse = process.env.ATRIUM_TEST_KEYCLOAK_URL?.replace(/\/$/, '');
    if (reuse)
      result.keycloak = {
        url: reuse,
        realm: 'atrium',
        issuer: `${reuse}/realms/atrium`,
        adminPassword: process.env.ATRIUM_TEST_KEYCLOAK_ADMIN_PASSWORD ?? 'admin',
      };
    else
      starting.push(
        acquireShared('keycloak', () => launchKeycloak(), keycloakHealthy).then((s) => void ((result.keycloak = s.info), releases.push(s.release))),
      );
  }
  if (names.includes('n8n')) {
    const url = process.env.ATRIUM_TEST_N8N_URL?.replace(/\/$/, '');
    const apiKey = process.env.ATRIUM_TEST_N8N_API_KEY;
    if (url && apiKey) result.n8n = { url, apiKey };
    else starting.push(acquireShared('n8n', () => launchN8n(), n8nHealthy).then((s) => void ((result.n8n = s.info), releases.push(s.release))));
  }
  const failed = (await Promise.allSettled(starting)).filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed.length) {
    await result.stop();
    const reasons = failed.map((f) => f.reason as Error);
    throw new AggregateError(reasons, `test services failed to start: ${reasons.map((r) => String(r.message).split('\n')[0]).join('; ')}`);
  }
  return result;
}
