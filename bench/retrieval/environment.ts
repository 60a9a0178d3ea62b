import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createServices, startWorker, stopServices } from '../../orchestrator/src/boot';
import { loadConfig } from '../../orchestrator/src/platform/config';
import { runMigrations } from '../../orchestrator/src/platform/db';
import { createPostgresMigrationConnection } from '../../orchestrator/src/platform/db/postgres';
import type { Services } from '../../orchestrator/src/platform/services';

/**
 * A real Atrium (services + in-process worker) on a fresh, migrated PostgreSQL database that is dropped
 * afterwards. The app connects as atrium_app, so row-level security is on exactly as in production.
 */
export const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

export interface BenchAtrium {
  services: Services;
  database: string;
  superuser: pg.Client;
  close(): Promise<void>;
}

export async function startBenchAtrium(concurrency: number): Promise<BenchAtrium> {
  const database = `atrium_bench_retrieval_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const migration = await createPostgresMigrationConnection(`${PG}/${database}`);
  await runMigrations(migration);
  await migration.close();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: `${PG.replace('postgres@', 'atrium_app@')}/${database}`,
    DATABASE_MIGRATION_URL: `${PG}/${database}`,
    DATABASE_POOL_SIZE: String(concurrency + 2),
    WORKER_CONCURRENCY: String(concurrency),
    ATRIUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'atrium-bench-')),
    ATRIUM_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const services = await createServices(config);
  await startWorker(services);
  const superuser = new pg.Client({ connectionString: `${PG}/${database}` });
  await superuser.connect();
  return {
    services,
    database,
    superuser,
    async close() {
      await superuser.end();
      await stopServices(services);
      const c = new pg.Client({ connectionString: `${PG}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.end();
    },
  };
}
