import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Express } from 'express';
import type { Config } from './platform/config';
import { openDatabase, type Db } from './platform/db';
import { createQueue } from './platform/queue';
import { createLogger, type Logger } from './platform/logger';
import { createEventBus } from './platform/bus';
import { createSecretBox } from './platform/crypto';
import { createApp } from './platform/http/app';
import type { Services } from './platform/services';
import { flushTracing, startTracing } from './platform/telemetry/tracing';
import type { AccessControl } from './platform/http/context';
import { modules } from './modules/registry';
import { createAccessControl, createPolicyEngine, createRateLimits, createTokenVerifier, embeddedIssuerUrl, mountEmbeddedIssuer } from './modules/identity';

/** The encryption key: from config, or (embedded mode only) generated once into the data folder. */
function encryptionKey(config: Config): string {
  if (config.ATRIUM_ENCRYPTION_KEY) return config.ATRIUM_ENCRYPTION_KEY;
  const file = join(config.ATRIUM_DATA_DIR, 'encryption.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.ATRIUM_DATA_DIR, { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

export interface BootOptions {
  log?: Logger;
  db?: Db;
  /** Prefix for BullMQ keys (tests isolate runs on a shared Redis). */
  queuePrefix?: string;
}

/** Builds the services every command and job receives. */
export async function createServices(config: Config, options: BootOptions = {}): Promise<Services> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  await startTracing(config, log); // before the first query and request: loads the SDK only when enabled
  const db = options.db ?? (await openDatabase(config)).db;
  const routePermissions = modules.flatMap((m) => m.routes.flatMap((r) => (r.permission ? [r.permission] : [])));
  const policy = createPolicyEngine(
    modules.flatMap((m) => m.policies),
    routePermissions,
  );
  const services: Services = {
    config,
    db,
    log,
    queue: createQueue(config, log, options.queuePrefix),
    bus: createEventBus(config.REDIS_URL),
    secrets: createSecretBox(encryptionKey(config), config.ATRIUM_ENCRYPTION_KEYS_OLD),
    authz: policy,
    rateLimits: createRateLimits(config, { keyPrefix: options.queuePrefix ? `${options.queuePrefix}:rl` : undefined }),
  };
  for (const m of modules) await m.init?.(services);
  return services;
}

export function trustedIssuers(config: Config): string[] {
  // without a Keycloak, in development mode, the embedded issuer is the one trusted
  return [config.OIDC_ISSUER_URL ?? embeddedIssuerUrl(config), ...config.OIDC_ADDITIONAL_ISSUERS]
    .filter((i): i is string => !!i)
    .map((i) => i.replace(/\/$/, ''));
}

export function createAccess(services: Services): AccessControl {
  const issuers = trustedIssuers(services.config);
  const tokens = issuers.length ? createTokenVerifier(services.config, issuers) : null;
  return createAccessControl(services.authz, tokens, services.config.ATRIUM_ADMIN_API_KEY);
}

export function createAtriumApp(services: Services, access: AccessControl = createAccess(services)): Express {
  const embedded = embeddedIssuerUrl(services.config);
  return createApp({
    services,
    routes: modules.flatMap((m) => m.routes),
    access,
    mountExtras: embedded ? (app) => void mountEmbeddedIssuer(app, services.config) : undefined,
  });
}

export async function startWorker(services: Services): Promise<void> {
  await services.queue.startWorkers(
    modules.flatMap((m) => m.jobs),
    services,
  );
  for (const m of modules) await m.schedules?.(services);
}

export async function stopServices(services: Services): Promise<void> {
  await services.queue.stop(services.config.SHUTDOWN_GRACE_MS);
  await services.bus.close();
  await services.rateLimits.close();
  await services.db.close();
  await flushTracing();
}
