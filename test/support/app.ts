import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import supertest from 'supertest';
import { loadConfig, type Config } from '../../orchestrator/src/platform/config';
import { createLogger } from '../../orchestrator/src/platform/logger';
import type { Services } from '../../orchestrator/src/platform/services';
import { createAtriumApp, createServices, startWorker, stopServices } from '../../orchestrator/src/boot';
import { createTestDatabase, type TestDatabase } from './db';

export interface TestAtrium {
  services: Services;
  app: Express;
  http: ReturnType<typeof supertest>;
  database: TestDatabase;
  config: Config;
  /** Platform-admin key configured for this instance. */
  adminKey: string;
  close(): Promise<void>;
}

export interface TestAtriumOptions {
  env?: Record<string, string | undefined>;
  /** Use real Redis (BullMQ) instead of the in-process queue. */
  redis?: boolean;
  /** Start job workers in-process (default true). */
  worker?: boolean;
}

/** A complete Atrium (real PostgreSQL database of its own, optional real Redis) for one test file. */
export async function createTestAtrium(options: TestAtriumOptions = {}): Promise<TestAtrium> {
  const database = await createTestDatabase();
  const adminKey = `test-admin-${randomBytes(16).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.ATRIUM_TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: database.url,
    ATRIUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'atrium-test-')),
    ATRIUM_ADMIN_API_KEY: adminKey,
    ATRIUM_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
    REDIS_URL: options.redis ? (process.env.ATRIUM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379') : undefined,
    ...options.env,
  });
  const services = await createServices(config, {
    db: database.db,
    log: createLogger(config.LOG_LEVEL),
    queuePrefix: `atrium-test-${randomBytes(4).toString('hex')}`,
  });
  if (options.worker ?? true) await startWorker(services);
  const app = createAtriumApp(services);
  return {
    services,
    app,
    http: supertest(app),
    database,
    config,
    adminKey,
    async close() {
      await stopServices(services).catch(() => undefined);
      await database.drop();
    },
  };
}
