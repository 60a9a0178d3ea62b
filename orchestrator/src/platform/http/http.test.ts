import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';

describe('HTTP platform', () => {
  let atrium: TestAtrium;
  let key: string;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false, env: { BODY_LIMIT: '2kb' } });
    const tenant = await buildTenant(atrium.services);
    key = (await buildApiKey(atrium.services, tenant)).key;
  });
  afterAll(async () => atrium.close());

  it('answers liveness and readiness with database and queue checks', async () => {
    expect((await atrium.http.get('/health')).body).toEqual({ status: 'ok' });
    const ready = await atrium.http.get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.database).toBe('ok');
  });

  it('gives every response a request id, echoing a well-formed incoming one', async () => {
    const r = await atrium.http.get('/health').set('X-Request-Id', 'abc-123');
    expect(r.headers['x-request-id']).toBe('abc-123');
    const generated = await atrium.http.get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers', async () => {
    const r = await atrium.http.get('/health');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-powered-by']).toBeUndefined();
  });

  it('404s unknown routes with NOT_FOUND in the error envelope', async () => {
    const r = await atrium.http.get('/v1/nope');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.stringContaining('/v1/nope') } });
  });

  it('400s malformed JSON with INVALID_JSON', async () => {
    const r = await atrium.http.post('/v1/auth/api-keys').set(bearer(key)).set('Content-Type', 'application/json').send('{"name": ');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('INVALID_JSON');
  });

  it('413s oversized bodies with PAYLOAD_TOO_LARGE', async () => {
    const r = await atrium.http
      .post('/v1/auth/api-keys')
      .set(bearer(key))
      .send({ name: 'x'.repeat(5000), scopes: ['agent'] });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('401s a missing or malformed credential', async () => {
    expect((await atrium.http.get('/v1/me')).body.error.code).toBe('UNAUTHENTICATED');
    const basic = await atrium.http.get('/v1/me').set('Authorization', 'Basic abc');
    expect(basic.status).toBe(401);
  });

  it('400s invalid input with a message naming the field', async () => {
    const r = await atrium.http.post('/v1/auth/api-keys').set(bearer(key)).send({ name: '', scopes: [] });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    expect(r.body.error.message).toMatch(/name: .*; scopes: /);
  });

  it('exposes Prometheus metrics including request latency', async () => {
    const r = await atrium.http.get('/metrics');
    expect(r.text).toContain('atrium_http_request_duration_seconds');
    expect(r.text).toContain('atrium_process_');
  });

  it('serves an OpenAPI 3.1 document generated from the routes, and a reference page', async () => {
    const doc = (await atrium.http.get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/auth/api-keys'].post.requestBody).toBeDefined();
    expect(doc.paths['/v1/platform/tenants/{id}/suspend']).toBeDefined();
    const page = await atrium.http.get('/docs');
    expect(page.text).toContain('swagger-ui');
    expect((await atrium.http.get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });
});
