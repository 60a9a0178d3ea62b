import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import type { TenantRef } from '../../platform/http/context';
import { syncSource } from './commands/sync-source';

let atrium: TestAtrium;
let tenant: TenantRef;
let admin: string;
let site: Server;
let origin: string;
/** Webhook deliveries the test site received (POST /hooks), with the headers needed to verify them. */
const hooks: Array<{ headers: Record<string, string>; body: string }> = [];

const pages: Record<string, [string, string]> = {
  '/robots.txt': ['text/plain', 'User-agent: *\nDisallow: /private\n'],
  '/sitemap.xml': ['application/xml', ''],
  '/guide': ['text/html', '<html><head><title>Install guide</title></head><body><h1>Install</h1><p>Run the installer and reboot twice.</p></body></html>'],
  '/private/payroll': ['text/html', '<html><head><title>Payroll</title></head><body><p>Payroll secrets.</p></body></html>'],
};

beforeAll(async () => {
  site = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/hooks') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hooks.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
      return;
    }
    const page = pages[req.url ?? ''];
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': page[0] }).end(page[1]);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  pages['/sitemap.xml']![1] = `<?xml version="1.0"?><urlset><url><loc>${origin}/guide</loc></url><url><loc>${origin}/private/payroll</loc></url></urlset>`;
  atrium = await createTestAtrium({ env: { WEBHOOK_DISPATCH_INTERVAL_MS: '100' } });
  tenant = await buildTenant(atrium.services);
  admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
});
afterAll(async () => {
  await atrium?.close();
  site?.close();
});

async function waitForSource(id: string) {
  for (let i = 0; i < 200; i++) {
    const source = (await atrium.http.get(`/v1/knowledge/sources/${id}`).set(bearer(admin))).body;
    const docs = (await atrium.http.get(`/v1/knowledge/documents?source_id=${id}`).set(bearer(admin))).body.items as Array<{ status: string; url: string }>;
    if (source.sync_status !== 'syncing' && source.last_synced_at && docs.every((d) => d.status === 'indexed' || d.status === 'failed'))
      return { source, docs };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('source did not finish syncing');
}

describe('web sources', () => {
  it('crawls a sitemap, skipping pages robots.txt disallows', async () => {
    const created = await atrium.http
      .post('/v1/knowledge/sources')
      .set(bearer(admin))
      .send({ kind: 'web', name: 'Help site', config: { url: `${origin}/sitemap.xml` } });
    expect(created.status).toBe(201);
    expect((await atrium.http.post(`/v1/knowledge/sources/${created.body.id}/sync`).set(bearer(admin))).status).toBe(202);
    const { source, docs } = await waitForSource(created.body.id);
    expect(source.document_count).toBe(1);
    expect(docs.map((d) => d.url)).toEqual([`${origin}/guide`]);
    const hits = await atrium.http.post('/v1/knowledge/search').set(bearer(admin)).send({ query: 'payroll secrets installer' });
    expect(hits.body.results.map((r: { title: string }) => r.title)).toEqual(['Install guide']);
  });

  it('refuses to crawl private addresses unless the operator allows them, and says so on the source', async () => {
    const created = await atrium.http
      .post('/v1/knowledge/sources')
      .set(bearer(admin))
      .send({ kind: 'web', name: 'Internal', config: { url: `${origin}/guide` } });
    const guarded = { ...atrium.services, config: Object.freeze({ ...atrium.services.config, OUTBOUND_ALLOW_PRIVATE_NETWORKS: false }) };
    expect(await syncSource(guarded, { tenantId: tenant.id, sourceId: created.body.id })).toEqual({ pages: 0, skipped: 0 });
    const source = (await atrium.http.get(`/v1/knowledge/sources/${created.body.id}`).set(bearer(admin))).body;
    expect(source.sync_status).toBe('failed');
    expect(source.sync_error).toMatch(/127\.0\.0\.1|private|not allowed|blocked/i);
    expect(source.document_count).toBe(0);
  });

  it('emits the signed knowledge.synced webhook when a sync completes, and none when it fails', async () => {
    const endpoint = (
      await atrium.http
        .post('/v1/admin/webhooks')
        .set(bearer(admin))
        .send({ url: `${origin}/hooks`, events: ['knowledge.synced'] })
    ).body;
    const synced = (
      await atrium.http
        .post('/v1/knowledge/sources')
        .set(bearer(admin))
        .send({ kind: 'web', name: 'Hooked site', config: { url: `${origin}/sitemap.xml` } })
    ).body;
    expect(await syncSource(atrium.services, { tenantId: tenant.id, sourceId: synced.id })).toEqual({ pages: 1, skipped: 1 });
    await expect.poll(() => hooks.length, { timeout: 10_000 }).toBe(1);
    const event = new Webhook(endpoint.secret).verify(hooks[0]!.body, hooks[0]!.headers) as { type: string; data: unknown };
    expect(event).toEqual({ type: 'knowledge.synced', timestamp: expect.any(String), data: { source_id: synced.id, pages: 1, skipped: 1 } });

    const failing = (
      await atrium.http
        .post('/v1/knowledge/sources')
        .set(bearer(admin))
        .send({ kind: 'web', name: 'Broken site', config: { url: `${origin}/missing` } })
    ).body;
    expect(await syncSource(atrium.services, { tenantId: tenant.id, sourceId: failing.id })).toEqual({ pages: 0, skipped: 0 });
    // the event is written in the sync's own transaction (an outbox), so the delivery log is final here
    const deliveries = (await atrium.http.get(`/v1/admin/webhooks/${endpoint.id}/deliveries`).set(bearer(admin))).body.items;
    expect(deliveries.map((d: { event_type: string }) => d.event_type)).toEqual(['knowledge.synced']);
    await atrium.http.delete(`/v1/admin/webhooks/${endpoint.id}`).set(bearer(admin));
  });

  it('only syncs web sources', async () => {
    const api = await atrium.http.post('/v1/knowledge/sources').set(bearer(admin)).send({ kind: 'api', name: 'Pushes' });
    const r = await atrium.http.post(`/v1/knowledge/sources/${api.body.id}/sync`).set(bearer(admin));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
  });
});
