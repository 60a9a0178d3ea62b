import { z } from 'zod';
import { createKeycloakAdminClient, type KeycloakAdminClient } from '@atrium/connectors/keycloak';
import type { Config } from '../../../platform/config';
import { defineJob, type JobContext } from '../../../platform/queue';
import type { Services } from '../../../platform/services';
import { SYNC_JOB } from '../sync/directory-mirror';
import { fullSync, incrementalSync } from '../sync/sync-keycloak';

/**
 * Two schedules over one sync: a full walk every KEYCLOAK_SYNC_INTERVAL_SECONDS, and an admin-event poll every
 * KEYCLOAK_EVENTS_POLL_SECONDS that applies changes within seconds. Both are off unless a Keycloak issuer and the
 * sync client's secret are configured.
 */
export function keycloakSyncTarget(config: Config): { baseUrl: string; realm: string; issuer: string } | null {
  if (!config.OIDC_ISSUER_URL || !config.KEYCLOAK_ADMIN_CLIENT_SECRET) return null;
  const issuer = config.OIDC_ISSUER_URL.replace(/\/$/, '');
  const match = /^(.*)\/realms\/([^/]+)$/.exec(issuer);
  if (!match) return null; // not a Keycloak realm URL
  return { baseUrl: match[1]!, realm: decodeURIComponent(match[2]!), issuer };
}

const clients = new WeakMap<Services, KeycloakAdminClient>();
/** One client per Services, so the service-account token is cached across runs. */
export function keycloakClientFor(services: Services): KeycloakAdminClient | null {
  const target = keycloakSyncTarget(services.config);
  if (!target) return null;
  let client = clients.get(services);
  if (!client) {
    client = createKeycloakAdminClient({
      ...target,
      clientId: services.config.KEYCLOAK_ADMIN_CLIENT_ID,
      clientSecret: services.config.KEYCLOAK_ADMIN_CLIENT_SECRET!,
    });
    clients.set(services, client);
  }
  return client;
}

async function run(mode: 'full' | 'incremental', { services, log }: JobContext) {
  const kc = keycloakClientFor(services);
  const target = keycloakSyncTarget(services.config);
  if (!kc || !target) return;
  const report = mode === 'full' ? await fullSync(services, kc, target.issuer) : await incrementalSync(services, kc, target.issuer);
  const changed = report.granted + report.updated + report.revoked + report.tenantsCreated + report.profilesUpdated;
  log[changed ? 'info' : 'debug']({ report }, 'keycloak sync finished');
}

const payload = z.object({});
export const keycloakFullSyncJob = defineJob({
  name: SYNC_JOB,
  payload,
  attempts: 3,
  backoffMs: 5_000,
  concurrency: 1,
  handler: (_p, ctx) => run('full', ctx),
});
export const keycloakEventsSyncJob = defineJob({
  name: `${SYNC_JOB}-events`,
  payload,
  attempts: 2,
  backoffMs: 2_000,
  concurrency: 1,
  handler: (_p, ctx) => run('incremental', ctx),
});

export async function scheduleKeycloakSync(services: Services): Promise<void> {
  if (!keycloakSyncTarget(services.config)) return;
  await services.queue.schedule(keycloakFullSyncJob, {}, services.config.KEYCLOAK_SYNC_INTERVAL_SECONDS * 1000);
  await services.queue.schedule(keycloakEventsSyncJob, {}, services.config.KEYCLOAK_EVENTS_POLL_SECONDS * 1000);
  await services.queue.enqueue(keycloakFullSyncJob, {}); // at boot, not one interval later
}
