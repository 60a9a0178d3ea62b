import { defineConfig } from 'vitest/config';

// One runner for the whole monorepo. Tests talk to real PostgreSQL, Redis, Keycloak and n8n
// (scripts/test.sh provisions them and exports their URLs), so files run in parallel but
// each file gets its own database (see test/support/db.ts).
export default defineConfig({
  test: {
    include: ['orchestrator/src/**/*.test.ts', 'connectors/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'shell/**', 'test/e2e-shell/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
