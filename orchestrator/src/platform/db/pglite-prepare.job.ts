import { parentPort, workerData } from 'node:worker_threads';
import { runMigrations } from './migrate';
import { openPglite, pgliteMigrationConnection, withBaselineWasm } from './pglite';

// Runs on the worker thread started by pglite-prepare.ts: initdb + pgvector + migrations, then closes
// the folder so the main thread can open it.
const { dataDir } = workerData as { dataDir: string };
await withBaselineWasm(async () => {
  const db = await openPglite(dataDir);
  try {
    await runMigrations(pgliteMigrationConnection(db));
  } finally {
    await db.close();
  }
});
parentPort?.postMessage('prepared');
