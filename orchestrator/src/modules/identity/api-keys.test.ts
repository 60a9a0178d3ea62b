import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import type { TenantRef } from '../../platform/http/context';

describe('API keys', () => {
  let atrium: TestAtrium;
  let acme: TenantRef;
  let globex: TenantRef;
  let acmeAdmin: string;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
    acme = await buildTenant(atrium.services);
    globex = await buildTenant(atrium.services);
    acmeAdmin = (await buildApiKey(atrium.services, acme, { scopes: ['tenant_admin'] })).key;
  });
  afterAll(async () => atrium.close());

  it('a platform admin creates a tenant key naming the tenant with X-Tenant-ID; the key is shown once', async () => {
    const r = await atrium.http
      .post('/v1/auth/api-keys')
      .set(bearer(atrium.adminKey))
      .set('X-Tenant-ID', acme.slug)
      .send({ name: 'n8n', scopes: ['knowledge:write', 'agent'] });
    expect(r.status).toBe(201);
    expect(r.body.key).toMatch(/^atr_[a-z0-9]{12}_/);
    const listed = await atrium.http.get('/v1/auth/api-keys').set(bearer(acmeAdmin));
    const item = listed.body.items.find((k: { id: string }) => k.id === r.body.id);
    expect(item).toMatchObject({ name: 'n8n', scopes: ['knowledge:write', 'agent'] });
    const secret = r.body.key.slice('atr_'.length + 12 + 1); // base64url: the secret itself may contain '_'
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const stored = await atrium.database.asSuperuser('SELECT key_hash FROM api_keys WHERE id = $1', [r.body.id]);
    expect(stored.rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the new key authenticates into its own tenant', async () => {
    const created = await atrium.http
      .post('/v1/auth/api-keys')
      .set(bearer(acmeAdmin))
      .send({ name: 'agent key', scopes: ['agent'] });
    const me = await atrium.http.get('/v1/me').set(bearer(created.body.key));
    expect(me.status).toBe(200);
    expect(me.body.kind).toBe('api_key');
    expect(me.body.tenants.map((t: { slug: string }) => t.slug)).toEqual([acme.slug]);
    expect(me.body.tenants[0].abilities).toContain('activity:read');
    expect(me.body.tenants[0].abilities).not.toContain('api_keys:manage');
  });

  it('refuses a wrong key with 401 INVALID_API_KEY', async () => {
    const forged = acmeAdmin.slice(0, -4) + 'AAAA';
    const r = await atrium.http.get('/v1/me').set(bearer(forged));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('INVALID_API_KEY');
    expect((await atrium.http.get('/v1/me').set(bearer('atr_nonsense'))).status).toBe(401);
  });

  it('refuses an expired key', async () => {
    const { key } = await buildApiKey(atrium.services, acme, { expiresAt: new Date(Date.now() - 1000) });
    const r = await atrium.http.get('/v1/me').set(bearer(key));
    expect(r.status).toBe(401);
    expect(r.body.error.details.reason).toBe('expired');
  });

  it('refuses a revoked key, and revocation through the API takes effect at once', async () => {
    const { key, id } = await buildApiKey(atrium.services, acme, { scopes: ['viewer'] });
    expect((await atrium.http.get('/v1/me').set(bearer(key))).status).toBe(200);
    expect((await atrium.http.delete(`/v1/auth/api-keys/${id}`).set(bearer(acmeAdmin))).status).toBe(204);
    const r = await atrium.http.get('/v1/me').set(bearer(key));
    expect(r.status).toBe(401);
    expect(r.body.error.details.reason).toBe('revoked');
    const audit = await atrium.database.asSuperuser(`SELECT action FROM audit_log WHERE tenant_id = $1 AND resource_id = $2`, [acme.id, id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['api_key.revoked']);
  });

  it('403s a key used for another tenant, by header or by id guessing', async () => {
    const r = await atrium.http.get('/v1/auth/api-keys').set(bearer(acmeAdmin)).set('X-Tenant-ID', globex.slug);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    const byId = await atrium.http.get('/v1/auth/api-keys').set(bearer(acmeAdmin)).set('X-Tenant-ID', globex.id);
    expect(byId.status).toBe(403);
    const globexKey = await buildApiKey(atrium.services, globex);
    expect((await atrium.http.get(`/v1/auth/api-keys/${globexKey.id}`).set(bearer(acmeAdmin))).status).toBe(404);
  });

  it('403s an action the scopes do not allow', async () => {
    const { key } = await buildApiKey(atrium.services, acme, { scopes: ['viewer'] });
    const r = await atrium.http
      .post('/v1/auth/api-keys')
      .set(bearer(key))
      .send({ name: 'x', scopes: ['agent'] });
    expect(r.status).toBe(403);
  });

  it('refuses platform-wide scopes on a tenant key', async () => {
    const r = await atrium.http
      .post('/v1/auth/api-keys')
      .set(bearer(acmeAdmin))
      .send({ name: 'x', scopes: ['platform_admin'] });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/scopes\.0/);
  });

  it('a platform key without X-Tenant-ID is asked to name the tenant', async () => {
    const r = await atrium.http.get('/v1/auth/api-keys').set(bearer(atrium.adminKey));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/X-Tenant-ID/);
  });
});
