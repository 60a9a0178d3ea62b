import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { buildTenant } from '../../../../test/factories';
import { createSecretBox } from '../../platform/crypto';
import { rotateSecrets } from './commands/rotate-secrets';

describe('encryption key rotation', () => {
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  let atrium: TestAtrium;
  beforeAll(async () => {
    atrium = await createTestAtrium({ worker: false, env: { ATRIUM_ENCRYPTION_KEY: newKey, ATRIUM_ENCRYPTION_KEYS_OLD: oldKey } });
  });
  afterAll(async () => atrium.close());

  it('re-encrypts every secret on the old key, audits it per tenant, and is a no-op the second time', async () => {
    const tenant = await buildTenant(atrium.services);
    const old = createSecretBox(oldKey);
    const stranger = createSecretBox(randomBytes(32).toString('base64'));
    const insert = (sealed: string) =>
      atrium.services.db.withTenant(tenant.id, (tx) =>
        tx.query<{ id: string }>(`INSERT INTO integrations (tenant_id, kind, secrets_sealed) VALUES ($1, 'chatwoot', $2) RETURNING id`, [tenant.id, sealed]),
      );
    const onOld = (await insert(old.encrypt('{"bot_token":"t-1"}'))).rows[0]!.id;
    await insert(atrium.services.secrets.encrypt('{"bot_token":"t-2"}'));
    const lost = (await insert(stranger.encrypt('{"bot_token":"t-3"}'))).rows[0]!.id;

    const first = await rotateSecrets(atrium.services);
    expect(first.rotated).toEqual({ integrations: 1 });
    expect(first.unreadable).toEqual([{ tenantId: tenant.id, table: 'integrations', id: lost }]);
    const row = await atrium.services.db.withTenant(tenant.id, (tx) =>
      tx.query<{ secrets_sealed: string }>('SELECT secrets_sealed FROM integrations WHERE id = $1', [onOld]),
    );
    expect(createSecretBox(newKey).decrypt(row.rows[0]!.secrets_sealed)).toBe('{"bot_token":"t-1"}'); // the new key alone opens it
    const audit = await atrium.services.db.withTenant(tenant.id, (tx) =>
      tx.query<{ data: unknown }>(`SELECT data FROM audit_log WHERE action = 'integration.secrets_rotated'`),
    );
    expect(audit.rows.map((r) => r.data)).toEqual([{ counts: { integrations: 1 } }]);

    const second = await rotateSecrets(atrium.services);
    expect(second.rotated).toEqual({});
  });
});
