import { defineConfig } from 'vitest/config';

// The console end to end: one stack (Keycloak, orchestrator, built shell) for the whole run, one browser per file,
// files one after another (they share the stack and the machine has two cores).
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e-shell/**/*.e2e.ts'],
    globalSetup: ['test/e2e-shell/stack.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
