import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { openDatabase, pgliteDataDir, startPreparingPglite } from './index';
import { preparedPglite } from './pglite-prepare';

/** `atrium serve` prepares a fresh embedded database on a worker thread while the app loads (cli.ts). */
describe('preparing a fresh PGlite folder on a worker thread', () => {
  const root = mkdtempSync(join(tmpdir(), 'atrium-pglite-prepare-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('leaves a migrated folder that the main thread then only opens', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ATRIUM_DATA_DIR: root });
    const dir = pgliteDataDir(config);
    startPreparingPglite(dir);
    await preparedPglite(dir);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(readdirSync(root)).toEqual(['pglite']); // the staging folder was renamed into place

    const { db, migrations } = await openDatabase(config);
    try {
      // everything was applied by the worker: the main thread had nothing left to migrate
      expect(migrations).toEqual({ applied: [], pending: [] });
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      const tenants = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
      expect(tenants.rows[0]!.n).toBe(0);
      const v = await db.query<{ d: number }>(`SELECT '[1,2,3]'::vector <-> '[1,2,4]'::vector AS d`);
      expect(v.rows[0]!.d).toBe(1);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('does nothing for a folder that already holds a database', async () => {
    const dir = pgliteDataDir({ ATRIUM_DATA_DIR: root });
    startPreparingPglite(dir);
    const t0 = performance.now();
    await preparedPglite(dir);
    expect(performance.now() - t0).toBeLessThan(50); // no worker was started: nothing to wait for
  });
});
