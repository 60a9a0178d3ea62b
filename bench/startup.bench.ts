/**
 * `npm run bench:startup`: migrations from an empty database (PostgreSQL and PGlite) and the embedded
 * default's start-to-ready time (`atrium serve --embedded` in a fresh data folder until /ready is 200).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrations } from '../orchestrator/src/platform/db';
import { createPostgresMigrationConnection } from '../orchestrator/src/platform/db/postgres';
import { openPglite, pgliteMigrationConnection } from '../orchestrator/src/platform/db/pglite';
import { percentile, recordBenchmark } from './lib/report';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const admin = 'postgres://postgres@127.0.0.1:5432/postgres';

async function migratePostgres(): Promise<number> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  const name = `atrium_bench_${Date.now()}`;
  await c.query(`CREATE DATABASE ${name}`);
  const t0 = performance.now();
  const conn = await createPostgresMigrationConnection(`postgres://postgres@127.0.0.1:5432/${name}`);
  await runMigrations(conn);
  const ms = performance.now() - t0;
  await conn.close();
  await c.query(`DROP DATABASE ${name} WITH (FORCE)`);
  await c.end();
  return ms;
}

async function migratePglite(): Promise<{ open: number; migrate: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-bench-'));
  const t0 = performance.now();
  const db = await openPglite(join(dir, 'pglite'));
  const t1 = performance.now();
  await runMigrations(pgliteMigrationConnection(db));
  const t2 = performance.now();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return { open: t1 - t0, migrate: t2 - t1 };
}

function embeddedStartToReady(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-bench-start-'));
  const port = 18000 + Math.floor(Math.random() * 1000);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'orchestrator/src/cli.ts', 'serve', '--embedded'], {
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', ATRIUM_DATA_DIR: dir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 120_000;
    const poll = async () => {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/ready`);
        if (r.status === 200) {
          const ms = performance.now() - t0;
          child.kill('SIGTERM');
          rmSync(dir, { recursive: true, force: true });
          return resolve(ms);
        }
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        return reject(new Error('embedded start did not become ready in 120 s'));
      }
      setTimeout(poll, 50);
    };
    void poll();
  });
}

const pgRuns: number[] = [];
const liteOpen: number[] = [];
const liteMigrate: number[] = [];
const ready: number[] = [];
for (let i = 0; i < RUNS; i++) {
  pgRuns.push(await migratePostgres());
  const l = await migratePglite();
  liteOpen.push(l.open);
  liteMigrate.push(l.migrate);
  ready.push(await embeddedStartToReady());
}
const f = (v: number) => `${(v / 1000).toFixed(2)} s`;
const body = `
| measure (${RUNS} runs) | median | worst |
|---|---|---|
| migrations from empty, PostgreSQL 15 + pgvector | ${f(percentile(pgRuns, 50))} | ${f(Math.max(...pgRuns))} |
| PGlite open (WASM start + pgvector) | ${f(percentile(liteOpen, 50))} | ${f(Math.max(...liteOpen))} |
| migrations from empty, PGlite | ${f(percentile(liteMigrate, 50))} | ${f(Math.max(...liteMigrate))} |
| embedded start-to-ready (\`atrium serve --embedded\`, fresh data folder, until GET /ready = 200) | ${f(percentile(ready, 50))} | ${f(Math.max(...ready))} |

Load average at the end (1/5/15 min): ${loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')} on this 2-core machine (other work was running).

Target: embedded ready in under 10 s on this machine — ${percentile(ready, 50) < 10_000 ? 'met' : 'NOT met'} (median).
`;
recordBenchmark({ name: 'startup', command: 'npm run bench:startup', body });
process.stdout.write(body);
