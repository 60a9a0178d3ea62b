import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import type { TenantRef } from '../../platform/http/context';

describe('activity timeline', () => {
  let atrium: TestAtrium;
  let server: Server;
  let base: string;
  let acme: TenantRef;
  let globex: TenantRef;
  let acmeKey: string;
  let globexKey: string;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
    acme = await buildTenant(atrium.services);
    globex = await buildTenant(atrium.services);
    acmeKey = (await buildApiKey(atrium.services, acme)).key;
    globexKey = (await buildApiKey(atrium.services, globex)).key;
    server = atrium.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await atrium.close();
  });

  it('lists the tenant’s own activity only, newest first, with a cursor', async () => {
    await atrium.http.put('/v1/admin/config').set(bearer(acmeKey)).send({ config: {} });
    const r = await atrium.http.get('/v1/activity?limit=1').set(bearer(acmeKey));
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0].type).toBe('config.published');
    expect(r.body.next_cursor).toBeTruthy();
    const older = await atrium.http.get(`/v1/activity?before=${r.body.next_cursor}`).set(bearer(acmeKey));
    expect(older.body.items.map((i: { type: string }) => i.type)).toContain('tenant.created');
    const other = await atrium.http.get('/v1/activity').set(bearer(globexKey));
    expect(other.body.items.every((i: { type: string }) => i.type !== 'config.published')).toBe(true);
  });

  it('streams new activity live over SSE, and never another tenant’s', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/v1/activity/stream`, { headers: bearer(acmeKey), signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    const received: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        received.push(decoder.decode(value));
        if (received.join('').includes('config.published')) return;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await atrium.http
      .put('/v1/admin/config')
      .set(bearer(globexKey))
      .send({ config: { retrieval: { top_k: 3 } } });
    await atrium.http
      .put('/v1/admin/config')
      .set(bearer(acmeKey))
      .send({ config: { retrieval: { top_k: 4 } } });
    await Promise.race([reading, new Promise((r) => setTimeout(r, 5000))]);
    controller.abort();
    const text = received.join('');
    expect(text).toContain('event: activity');
    expect(text).toContain('config.published');
    expect(text.match(/config\.published/g)).toHaveLength(1);
  });
});
