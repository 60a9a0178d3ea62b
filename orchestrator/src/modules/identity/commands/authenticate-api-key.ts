import { AppError } from '../../../platform/errors';
import { safeEqual } from '../../../platform/crypto';
import type { Principal, TenantRef } from '../../../platform/http/context';
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
/** Per process: when this process last wrote a key's last_used_at (bounded; an evicted key just writes again). */
const touched = new Map<string, number>();
const MAX_TOUCHED = 10_000;

/**
 * last_used_at is advisory: written at most once a minute so a hot key does not write on every request. The
 * database condition keeps replicas from writing more often; the in-process memo spares the transaction (four
 * round trips on every authenticated request) when this process wrote it less than a minute ago.
 */
async function touchLastUsed(services: Services, key: KeyRow): Promise<void> {
  const now = Date.now();
  if (now - (touched.get(key.id) ?? -Infinity) < LAST_USED_RESOLUTION_MS) return;
  await services.db.withTenant(key.tenant_id, (tx) =>
    tx.query(
      `UPDATE api_keys SET last_used_at = now() WHERE tenant_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - ($3 || ' milliseconds')::interval)`,
      [key.tenant_id, key.id, String(LAST_USED_RESOLUTION_MS)],
    ),
  );
  touched.delete(key.id);
  touched.set(key.id, now);
  if (touched.size > MAX_TOUCHED) touched.delete(touched.keys().next().value!);
}

/** Resolves `atr_…` to a principal bound to the key's tenant; every refusal is 401 INVALID_API_KEY. */
export async function authenticateApiKey(services: Services, bearer: string): Promise<Principal> {
  const parsed = parseApiKey(bearer);
  if (!parsed) throw new AppError('INVALID_API_KEY', 'The API key is malformed', { details: { reason: 'malformed' } });
  // The tenant row comes with the key (one round trip, not three): the tenants registry needs no tenant scope.
  const found = await services.db.query<KeyRow & { slug: string | null; name: string; status: TenantRef['status'] }>(
    'SELECT k.*, t.slug, t.name, t.status FROM atrium_find_api_key($1) k LEFT JOIN tenants t ON t.id = k.tenant_id',
    [parsed.prefix],
  );
  const key = found.rows[0];
  if (!key || !safeEqual(key.key_hash, hashApiKeySecret(parsed.secret))) {
    throw new AppError('INVALID_API_KEY', 'The API key is not valid', { details: { reason: 'unknown' } });
  }
  if (key.revoked_at) throw new AppError('INVALID_API_KEY', 'The API key has been revoked', { details: { reason: 'revoked' } });
  if (key.expires_at && new Date(key.expires_at).getTime() <= Date.now()) {
    throw new AppError('INVALID_API_KEY', 'The API key has expired', { details: { reason: 'expired' } });
  }
  await touchLastUsed(services, key);
  return {
    kind: 'api_key',
    subject: `key:${key.id}`,
    tenants: key.slug ? [key.slug] : [],
    ...(key.slug ? { keyTenant: { id: key.tenant_id, slug: key.slug, name: key.name, status: key.status } } : {}),
    roles: [],
    groups: [],
    scopes: key.scopes,
    apiKeyId: key.id,
  };
}
