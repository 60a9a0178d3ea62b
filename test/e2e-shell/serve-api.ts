/**
 * The orchestrator for the console e2e, as its own process (run with tsx, like `npm start`): a fresh PostgreSQL
 * database, the in-process worker, tokens verified against the Keycloak named in OIDC_ISSUER_URL, the demo
 * realm's two tenants (acme, globex), and acme connected to a fake Chatwoot in which a customer has asked for a
 * person (for the Dashboard App page). Writes { apiUrl, adminKey, chatwoot } to E2E_READY_FILE once listening;
 * stops on SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { ensureTemplateDatabase } from '../support/db';
import { createTestAtrium } from '../support/app';
import { freePort } from '../support/process';
import { buildTenant } from '../factories';
import { startFakeChatwoot } from '../fakes/chatwoot';

const issuer = process.env.OIDC_ISSUER_URL;
const readyFile = process.env.E2E_READY_FILE;
if (!issuer || !readyFile) throw new Error('serve-api needs OIDC_ISSUER_URL and E2E_READY_FILE');

await ensureTemplateDatabase();
// The port is chosen first: Chatwoot's bot deliveries go to PUBLIC_URL.
const apiUrl = `http://127.0.0.1:${await freePort()}`;
const atrium = await createTestAtrium({
  env: {
    OIDC_ISSUER_URL: issuer,
    PUBLIC_URL: apiUrl,
    RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
    CORS_ORIGINS: process.env.CORS_ORIGINS ?? '',
  },
});
await buildTenant(atrium.services, { slug: 'acme', name: 'Acme Corp' });
await buildTenant(atrium.services, { slug: 'globex', name: 'Globex Inc' });
const server = createServer(atrium.app);
await new Promise<void>((resolve) => server.listen(Number(new URL(apiUrl).port), '127.0.0.1', () => resolve()));

const fake = await startFakeChatwoot();
const connected = await fetch(`${apiUrl}/v1/integrations/chatwoot`, {
  method: 'POST',
  headers: { authorization: `Bearer ${atrium.adminKey}`, 'x-tenant-id': 'acme', 'content-type': 'application/json' },
  body: JSON.stringify({ base_url: fake.url, account_id: fake.account.id, admin_token: fake.admin.accessToken, inbox_ids: [fake.inbox.id] }),
});
if (connected.status !== 201) throw new Error(`connecting the fake Chatwoot failed: ${connected.status} ${await connected.text()}`);
const { conversation } = fake.customerWrites('Can I speak to a human about my parcel, please?');
const chatwoot = {
  integrationId: ((await connected.json()) as { id: string }).id,
  conversationId: conversation.displayId,
  baseUrl: fake.url,
  accountId: fake.account.id,
};
writeFileSync(readyFile, JSON.stringify({ apiUrl, adminKey: atrium.adminKey, chatwoot }));

process.once('SIGTERM', () => {
  server.closeAllConnections(); // SSE streams would otherwise hold close() open
  server.close(() => void Promise.allSettled([fake.close(), atrium.close()]).finally(() => process.exit(0)));
});
