import { embeddedServeOverrides, loadConfig } from '../platform/config';
import { pgliteDataDir, startPreparingPglite } from '../platform/db/pglite-prepare';

/**
 * `atrium serve` on the embedded database: start preparing a fresh data folder (initdb, pgvector,
 * migrations) on a worker thread while the application's modules load. See pglite-prepare.ts.
 */
export function startEarly(argv: readonly string[]): void {
  if (argv[0] !== 'serve' || argv.includes('--help') || argv.includes('-h')) return;
  try {
    const config = loadConfig(undefined, argv.includes('--embedded') ? embeddedServeOverrides() : {});
    if (!config.DATABASE_URL) startPreparingPglite(pgliteDataDir(config));
  } catch {
    // an invalid configuration is reported, readably, by the command itself
  }
}
