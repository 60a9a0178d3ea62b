import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureTemplateDatabase } from './db';

/**
 * Once per test run: migrate the template database, and start the real external services
 * (Keycloak, n8n) that some suites need, exposing their coordinates through vitest's provide/inject.
 * ATRIUM_TEST_SERVICES (comma list, default "keycloak,n8n"; "" for none) chooses which to start.
 */
export default async function setup(project: TestProject) {
  await ensureTemplateDatabase();
  const wanted = (process.env.ATRIUM_TEST_SERVICES ?? 'keycloak,n8n')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const servicesModule = join(import.meta.dirname, 'services.ts');
  if (!wanted.length || !existsSync(servicesModule)) return;
  const { startTestServices } = (await import(servicesModule)) as {
    startTestServices: (names: string[]) => Promise<{ keycloak?: unknown; n8n?: unknown; stop(): Promise<void> }>;
  };
  const started = await startTestServices(wanted);
  if (started.keycloak) project.provide('keycloak' as never, started.keycloak as never);
  if (started.n8n) project.provide('n8n' as never, started.n8n as never);
  return () => started.stop();
}
