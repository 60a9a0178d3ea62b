import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { runMigrations } from './migrate';
import { openPglite, pgliteMigrationConnection, withBaselineWasm } from './pglite';

// Runs on the worker thread started by pglite-prepare.ts: initdb + pgvector + migrations, then closes
// the folder so the main thread can open it. The work happens in a staging folder renamed into place
// at the end, so a process stopped half-way (Ctrl-C, `serve --help`) never leaves a half-made database.
const { dataDir } = workerData as { dataDir: string };
const staging = `${dataDir}.preparing-${process.pid}`;
try {
  mkdirSync(dirname(dataDir), { recursive: true });
  // leftovers of an interrupted earlier start
  for (const old of readdirSync(dirname(dataDir)).filter((f) => f.startsWith(`${basename(dataDir)}.preparing-`))) {
    rmSync(join(dirname(dataDir), old), { recursive: true, force: true });
  }
  await withBaselineWasm(async () => {
    const db = await openPglite(staging);
    try {
      await runMigrations(pgliteMigrationConnection(db));
    } finally {
      await db.close();
    }
  });
  renameSync(staging, dataDir);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
parentPort?.postMessage('prepared');
