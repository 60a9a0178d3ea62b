/**
 * `npm run bench:startup`: migrations from an empty database (PostgreSQL and PGlite) and the embedded
 * default's start-to-ready time (`atrium serve --embedded` in a fresh data folder until /ready is 200).
 * Start-to-ready is measured three ways per run: a fresh machine (tsx's transform cache, which lives in
 * $TMPDIR/tsx-<uid>, starts empty), a second start (cache warm, data folder still fresh) and a restart
 * (cache warm, existing data folder). The OS file cache stays warm in all three: dropping it would
 * disturb everything else running on the machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runMigrations } from '../orchestrator/src/platform/db';
import { createPostgresMigrationConnection } from '../orchestrator/src/platform/db/postgres';
import { openPglite, pgliteMigrationConnection, withBaselineWasm } from '../orchestrator/src/platform/db/pglite';
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
  // as openDatabase does: baseline WASM code during PGlite's start-up (see withBaselineWasm)
  const { t0, t1, t2 } = await withBaselineWasm(async () => {
    const t0 = performance.now();
    const db = await openPglite(join(dir, 'pglite'));
    const t1 = performance.now();
    await runMigrations(pgliteMigrationConnection(db));
    const t2 = performance.now();
    await db.close();
    return { t0, t1, t2 };
  });
  rmSync(dir, { recursive: true, force: true });
  return { open: t1 - t0, migrate: t2 - t1 };
}

/** One `atrium serve --embedded` from process start until GET /ready is 200; `tsxCache` is the child's TMPDIR. */
function embeddedStartToReady(dataDir: string, tsxCache: string): Promise<number> {
  const port = 18000 + Math.floor(Math.random() * 1000);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'orchestrator/src/cli.ts', 'serve', '--embedded'], {
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', ATRIUM_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', TMPDIR: tsxCache },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 120_000;
    const poll = async () => {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/ready`);
        if (r.status === 200) {
          const ms = performance.now() - t0;
          child.kill('SIGTERM');
          await exited; // the next start may reuse this data folder
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

/** Fresh machine, second start, restart: see the header comment. */
async function embeddedStarts(): Promise<{ cold: number; warm: number; restart: number }> {
  const tsxCache = mkdtempSync(join(tmpdir(), 'atrium-bench-tsx-'));
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'atrium-bench-start-')));
  try {
    const cold = await embeddedStartToReady(dirs[0]!, tsxCache);
    const warm = await embeddedStartToReady(dirs[1]!, tsxCache);
    const restart = await embeddedStartToReady(dirs[1]!, tsxCache);
    return { cold, warm, restart };
  } finally {
    for (const d of [tsxCache, ...dirs]) rmSync(d, { recursive: true, force: true });
  }
}

const pgRuns: number[] = [];
const liteOpen: number[] = [];
const liteMigrate: number[] = [];
const cold: number[] = [];
const warm: number[] = [];
const restart: number[] = [];
for (let i = 0; i < RUNS; i++) {
  pgRuns.push(await migratePostgres());
  const l = await migratePglite();
  liteOpen.push(l.open);
  liteMigrate.push(l.migrate);
  const e = await embeddedStarts();
  cold.push(e.cold);
  warm.push(e.warm);
  restart.push(e.restart);
}
const f = (v: number) => `${(v / 1000).toFixed(2)} s`;
const body = `
| measure (${RUNS} runs) | median | worst |
|---|---|---|
| migrations from empty, PostgreSQL 15 + pgvector | ${f(percentile(pgRuns, 50))} | ${f(Math.max(...pgRuns))} |
| PGlite open (WASM start + pgvector) | ${f(percentile(liteOpen, 50))} | ${f(Math.max(...liteOpen))} |
| migrations from empty, PGlite | ${f(percentile(liteMigrate, 50))} | ${f(Math.max(...liteMigrate))} |
| embedded start-to-ready, fresh machine (\`atrium serve --embedded\`, fresh data folder, empty tsx cache, until GET /ready = 200) | ${f(percentile(cold, 50))} | ${f(Math.max(...cold))} |
| embedded start-to-ready, second start (fresh data folder, tsx cache warm) | ${f(percentile(warm, 50))} | ${f(Math.max(...warm))} |
| embedded restart-to-ready (existing data folder, tsx cache warm) | ${f(percentile(restart, 50))} | ${f(Math.max(...restart))} |

Load average at the end (1/5/15 min): ${loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')} on this 2-core machine (other work was running).

Target: embedded ready in under 10 s on this machine, fresh machine — ${percentile(cold, 50) < 10_000 ? 'met' : 'NOT met'} (median).
`;
recordBenchmark({ name: 'startup', command: 'npm run bench:startup', body });
process.stdout.write(body);
