import { grantedAbilities } from '../../platform/http/abilities';
import type { TenantContext } from '../../platform/http/context';

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

/** `revoke` is DELETE /v1/auth/api-keys/:id (api_keys:manage); a key already revoked offers nothing more. */
function apiKeyAbilities(ctx: TenantContext, row: ApiKeyRow): 'revoke'[] {
  return row.revoked_at ? [] : grantedAbilities(ctx, { revoke: 'api_keys:manage' });
}

/** Never includes the hash; the secret itself is only added once, by the create route. */
export function presentApiKey(ctx: TenantContext, row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    expires_at: iso(row.expires_at),
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
    created_at: iso(row.created_at)!,
    abilities: apiKeyAbilities(ctx, row),
  };
}
