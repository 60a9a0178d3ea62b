import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { verifyAuditChain } from '../audit';

describe('tenants and configuration', () => {
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false });
  });
  afterAll(async () => atrium.close());

  it('a platform admin creates a tenant (201) with default config and an audit row', async () => {
    const r = await atrium.http.post('/v1/platform/tenants').set(bearer(atrium.adminKey)).send({ slug: 'acme-corp', name: 'Acme Corp' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ slug: 'acme-corp', name: 'Acme Corp', status: 'active' });
    const chain = await verifyAuditChain(atrium.services.db, r.body.id);
    expect(chain).toMatchObject({ ok: true, checked: 1 });
    const list = await atrium.http.get('/v1/platform/tenants').set(bearer(atrium.adminKey));
    expect(list.body.items.map((t: { slug: string }) => t.slug)).toContain('acme-corp');
  });

  it('409s a duplicate slug and 400s an invalid one', async () => {
    await atrium.http.post('/v1/platform/tenants').set(bearer(atrium.adminKey)).send({ slug: 'dupe', name: 'A' });
    const dupe = await atrium.http.post('/v1/platform/tenants').set(bearer(atrium.adminKey)).send({ slug: 'dupe', name: 'B' });
    expect(dupe.status).toBe(409);
    expect(dupe.body.error.code).toBe('ALREADY_EXISTS');
    const bad = await atrium.http.post('/v1/platform/tenants').set(bearer(atrium.adminKey)).send({ slug: 'Bad Slug!', name: 'x' });
    expect(bad.status).toBe(400);
  });

  it('tenant keys cannot manage tenants', async () => {
    const t = await buildTenant(atrium.services);
    const { key } = await buildApiKey(atrium.services, t, { scopes: ['tenant_admin'] });
    expect((await atrium.http.post('/v1/platform/tenants').set(bearer(key)).send({ slug: 'x-y', name: 'x' })).status).toBe(403);
  });

  it('suspending a tenant blocks its requests with TENANT_SUSPENDED until reactivated', async () => {
    const t = await buildTenant(atrium.services);
    const { key } = await buildApiKey(atrium.services, t);
    expect((await atrium.http.get('/v1/admin/config').set(bearer(key))).status).toBe(200);
    expect((await atrium.http.post(`/v1/platform/tenants/${t.slug}/suspend`).set(bearer(atrium.adminKey))).body.status).toBe('suspended');
    const blocked = await atrium.http.get('/v1/admin/config').set(bearer(key));
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('TENANT_SUSPENDED');
    await atrium.http.post(`/v1/platform/tenants/${t.id}/reactivate`).set(bearer(atrium.adminKey));
    expect((await atrium.http.get('/v1/admin/config').set(bearer(key))).status).toBe(200);
  });

  it('each PUT publishes a new version; rollback republishes an old one; history is kept', async () => {
    const t = await buildTenant(atrium.services);
    const { key } = await buildApiKey(atrium.services, t);
    const initial = await atrium.http.get('/v1/admin/config').set(bearer(key));
    expect(initial.body.version).toBe(1);
    expect(initial.body.config.retrieval.top_k).toBe(6);
    const put = await atrium.http
      .put('/v1/admin/config')
      .set(bearer(key))
      .send({ config: { retrieval: { top_k: 9 } }, comment: 'more context' });
    expect(put.body.version).toBe(2);
    expect(put.body.config.retrieval.top_k).toBe(9);
    const rolled = await atrium.http.post('/v1/admin/config/rollback').set(bearer(key)).send({ version: 1 });
    expect(rolled.body).toMatchObject({ version: 3, config: { retrieval: { top_k: 6 } } });
    const versions = await atrium.http.get('/v1/admin/config/versions').set(bearer(key));
    expect(versions.body.items.map((v: { version: number; active: boolean }) => [v.version, v.active])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    const audit = await atrium.database.asSuperuser(`SELECT action FROM audit_log WHERE tenant_id = $1 ORDER BY seq`, [t.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['tenant.created', 'config.published', 'config.rolled_back']);
  });

  it('rejects an invalid config with every problem and leaves the active version untouched', async () => {
    const t = await buildTenant(atrium.services);
    const { key } = await buildApiKey(atrium.services, t);
    const bad = { retrieval: { top_k: 0 }, safety: { dlp_rules: [{ name: 'x', pattern: '([a-', action: 'redact' }] }, typo: 1 };
    const validated = await atrium.http.post('/v1/admin/config/validate').set(bearer(key)).send({ config: bad });
    expect(validated.body.valid).toBe(false);
    const r = await atrium.http.put('/v1/admin/config').set(bearer(key)).send({ config: bad });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/retrieval\.top_k/);
    expect((await atrium.http.get('/v1/admin/config').set(bearer(key))).body.version).toBe(1);
    const regex = await atrium.http
      .post('/v1/admin/config/validate')
      .set(bearer(key))
      .send({ config: { safety: { dlp_rules: [{ name: 'x', pattern: '([a-', action: 'redact' }] } } });
    expect(regex.body.errors[0].path).toBe('safety.dlp_rules.0.pattern');
    // Valid for JavaScript, but not for RE2, which runs DLP rules in linear time: refused at save time.
    const lookbehind = await atrium.http
      .post('/v1/admin/config/validate')
      .set(bearer(key))
      .send({ config: { safety: { dlp_rules: [{ name: 'y', pattern: '(?<=secret)\\d+', action: 'block' }] } } });
    expect(lookbehind.body.valid).toBe(false);
  });

  it('a viewer may read but not change the config', async () => {
    const t = await buildTenant(atrium.services);
    const { key } = await buildApiKey(atrium.services, t, { scopes: ['viewer'] });
    expect((await atrium.http.get('/v1/admin/config').set(bearer(key))).status).toBe(200);
    expect((await atrium.http.put('/v1/admin/config').set(bearer(key)).send({ config: {} })).status).toBe(403);
  });
});
