import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A fresh PGlite data folder costs seconds of single-threaded WASM work (initdb, pgvector, the
 * migrations). `atrium serve` starts that work on a worker thread before it loads the rest of the
 * application, so on a multi-core machine it overlaps the ~350 module imports instead of following
 * them; the main thread then opens the prepared folder (about a second). Only fresh folders are
 * prepared this way: an existing one opens faster in place.
 */
/** Where the embedded database lives inside the data folder. */
export const pgliteDataDir = (config: { ATRIUM_DATA_DIR: string }): string => join(config.ATRIUM_DATA_DIR, 'pglite');

const preparing = new Map<string, Promise<void>>();

export function startPreparingPglite(dataDir: string): void {
  if (preparing.has(dataDir) || existsSync(join(dataDir, 'PG_VERSION'))) return;
  const done = new Promise<void>((resolve) => {
    // a .mjs bootstrap registers tsx inside the worker (loader hooks are per thread), then loads the .ts
    const worker = new Worker(new URL('./pglite-prepare.worker.mjs', import.meta.url), { workerData: { dataDir } });
    // Any failure is left to the main thread: it opens the same folder and reports the real error.
    worker.once('error', () => resolve());
    worker.once('exit', () => resolve());
    // the folder is closed and on disk: do not wait for the thread to wind down by itself
    worker.once('message', () => void worker.terminate().finally(resolve));
  });
  preparing.set(dataDir, done);
}

/** Waits for a preparation started for this folder, if any (never throws). */
export async function preparedPglite(dataDir: string): Promise<void> {
  const done = preparing.get(dataDir);
  if (!done) return;
  await done;
  preparing.delete(dataDir);
}
