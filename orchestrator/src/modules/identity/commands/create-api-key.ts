import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { recordAudit, actorOf } from '../../audit';
import { recordActivity } from '../../activity';
import { generateApiKey } from '../api-key-format';
import type { ApiKeyRow } from '../identity.presenter';

export async function createApiKey({ ctx, name, scopes, expiresAt }: { ctx: TenantContext; name: string; scopes: string[]; expiresAt?: string }) {
  if (expiresAt && new Date(expiresAt).getTime() <= Date.now()) {
    throw new AppError('VALIDATION', 'expires_at: must be in the future');
  }
  const generated = generateApiKey();
  const row = await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const inserted = await tx.query<ApiKeyRow>(
      `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING id, name, prefix, scopes, expires_at, last_used_at, revoked_at, created_at`,
      [ctx.tenant.id, name, generated.prefix, generated.hash, scopes, expiresAt ?? null, ctx.principal.subject],
    );
    const key = inserted.rows[0]!;
    await recordAudit(tx, ctx.tenant.id, {
      action: 'api_key.created',
      actor: actorOf(ctx.principal),
      resource: { type: 'api_key', id: key.id },
      data: { name, scopes, prefix: key.prefix, expires_at: expiresAt ?? null },
      requestId: ctx.requestId,
    });
    await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
      type: 'api_key.created',
      actor: ctx.principal.subject,
      resourceType: 'api_key',
      resourceId: key.id,
      summary: `API key "${name}" created`,
    });
    return key;
  });
  return { row, key: generated.key };
}
