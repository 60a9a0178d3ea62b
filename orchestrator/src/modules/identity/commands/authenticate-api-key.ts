import { AppError } from '../../../platform/errors';
import { safeEqual } from '../../../platform/crypto';
import type { Principal } from '../../../platform/http/context';
import type { Services } from '../../../platform/services';
import { hashApiKeySecret, parseApiKey } from '../api-key-format';

interface KeyRow {
  tenant_id: string;
  id: string;
  key_hash: string;
  scopes: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** Resolves `atr_…` to a principal bound to the key's tenant; every refusal is 401 INVALID_API_KEY. */
export async function authenticateApiKey(services: Services, bearer: string): Promise<Principal> {
  const parsed = parseApiKey(bearer);
  if (!parsed) throw new AppError('INVALID_API_KEY', 'The API key is malformed', { details: { reason: 'malformed' } });
  const found = await services.db.query<KeyRow>('SELECT * FROM atrium_find_api_key($1)', [parsed.prefix]);
  const key = found.rows[0];
  if (!key || !safeEqual(key.key_hash, hashApiKeySecret(parsed.secret))) {
    throw new AppError('INVALID_API_KEY', 'The API key is not valid', { details: { reason: 'unknown' } });
  }
  if (key.revoked_at) throw new AppError('INVALID_API_KEY', 'The API key has been revoked', { details: { reason: 'revoked' } });
  if (key.expires_at && new Date(key.expires_at).getTime() <= Date.now()) {
    throw new AppError('INVALID_API_KEY', 'The API key has expired', { details: { reason: 'expired' } });
  }
  const tenant = await services.db.query<{ slug: string }>('SELECT slug FROM tenants WHERE id = $1', [key.tenant_id]);
  // last_used_at is advisory: written at most once a minute so a hot key does not write on every request.
  await services.db.withTenant(key.tenant_id, (tx) =>
    tx.query(
      `UPDATE api_keys SET last_used_at = now() WHERE tenant_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - ($3 || ' milliseconds')::interval)`,
      [key.tenant_id, key.id, String(LAST_USED_RESOLUTION_MS)],
    ),
  );
  return {
    kind: 'api_key',
    subject: `key:${key.id}`,
    tenants: tenant.rows[0] ? [tenant.rows[0].slug] : [],
    roles: [],
    groups: [],
    scopes: key.scopes,
    apiKeyId: key.id,
  };
}
