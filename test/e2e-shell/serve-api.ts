/**
 * The orchestrator for the console e2e, as its own process (run with tsx, like `npm start`): a fresh PostgreSQL
 * database, the in-process worker, tokens verified against the Keycloak named in OIDC_ISSUER_URL, and the demo
 * realm's two tenants (acme, globex). Writes { apiUrl, adminKey } to E2E_READY_FILE once listening; stops on SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { ensureTemplateDatabase } from '../support/db';
import { createTestAtrium } from '../support/app';
import { buildTenant } from '../factories';

const issuer = process.env.OIDC_ISSUER_URL;
const readyFile = process.env.E2E_READY_FILE;
if (!issuer || !readyFile) throw new Error('serve-api needs OIDC_ISSUER_URL and E2E_READY_FILE');

await ensureTemplateDatabase();
const atrium = await createTestAtrium({
  env: { OIDC_ISSUER_URL: issuer, RATE_LIMIT_PER_MINUTE: '100000', LOG_LEVEL: 'warn', CORS_ORIGINS: process.env.CORS_ORIGINS ?? '' },
});
await buildTenant(atrium.services, { slug: 'acme', name: 'Acme Corp' });
await buildTenant(atrium.services, { slug: 'globex', name: 'Globex Inc' });
const server = await new Promise<Server>((resolve) => {
  const s = atrium.app.listen(0, '127.0.0.1', () => resolve(s));
});
const apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
writeFileSync(readyFile, JSON.stringify({ apiUrl, adminKey: atrium.adminKey }));

process.once('SIGTERM', () => {
  server.closeAllConnections(); // SSE streams would otherwise hold close() open
  server.close(() => void atrium.close().finally(() => process.exit(0)));
});
