import { decodeJwt } from 'jose';
import type { AccessControl, Principal, RequestContext, TenantRef } from '../../platform/http/context';
import { AppError } from '../../platform/errors';
import { safeEqual } from '../../platform/crypto';
import { platformPrincipal } from './platform-principal';
import type { PolicyEngine } from './policy';
import type { TokenVerifier } from './verify-access-token';
import { authenticateApiKey } from './commands/authenticate-api-key';
import { findTenant } from '../tenants/tenant-lookup';

/**
 * Access tokens live for minutes and keep claiming tenants after the directory sync has revoked them; the sync's
 * revocations (migration 0100) win over tokens issued before them.
 */
async function withoutRevoked(ctx: RequestContext, principal: Principal, token: string): Promise<Principal> {
  const issuedAt = decodeJwt(token).iat;
  if (typeof issuedAt !== 'number') return principal;
  const r = await ctx.services.db.query<{ disabled: boolean; revoked_tenants: string[] }>(
    'SELECT disabled, revoked_tenants FROM atrium_identity_revocations($1, to_timestamp($2))',
    [principal.subject, issuedAt],
  );
  const row = r.rows[0];
  if (row?.disabled) throw new AppError('INVALID_TOKEN', 'The account behind this token has been disabled', { details: { reason: 'revoked' } });
  if (!row?.revoked_tenants.length) return principal;
  return { ...principal, tenants: principal.tenants.filter((t) => !row.revoked_tenants.includes(t)) };
}

const PLATFORM = platformPrincipal();

/** The identity module's side of the platform's AccessControl seam: who is calling, in which tenant, may they. */
export function createAccessControl(policy: Pick<PolicyEngine, 'can'>, tokens: TokenVerifier | null, adminApiKey?: string): AccessControl {
  return {
    async authenticate(bearer: string, ctx: RequestContext) {
      if (adminApiKey && safeEqual(bearer, adminApiKey)) return PLATFORM;
      if (bearer.startsWith('atr_')) return authenticateApiKey(ctx.services, bearer);
      if (bearer.split('.').length === 3) {
        if (!tokens) throw new AppError('INVALID_TOKEN', 'No identity provider is configured to verify access tokens', { details: { reason: 'no_issuer' } });
        return withoutRevoked(ctx, await tokens.verify(bearer), bearer);
      }
      throw new AppError('UNAUTHENTICATED', 'The credential is neither an access token nor an Atrium API key');
    },

    async resolveTenant(principal: Principal, requested: string | undefined, ctx: RequestContext): Promise<TenantRef> {
      const isPlatform = principal.kind === 'platform' || principal.roles.includes('platform_admin');
      const wanted = requested?.trim() || (principal.tenants.length === 1 ? principal.tenants[0] : undefined);
      if (!wanted) {
        throw new AppError('VALIDATION', 'Name the tenant with the X-Tenant-ID header (tenant id or slug)', { details: { tenants: principal.tenants } });
      }
      const bound = principal.keyTenant;
      const named = wanted.toLowerCase();
      const tenant = bound && (named === bound.slug || named === bound.id.toLowerCase()) ? bound : await findTenant(ctx.services.db, wanted);
      // Unknown and not-granted look the same from outside, so tenant ids cannot be probed.
      if (!tenant || (!isPlatform && !principal.tenants.includes(tenant.slug))) {
        throw new AppError('FORBIDDEN', `You have no access to tenant "${wanted}"`);
      }
      return tenant;
    },

    can: (principal, action, tenant) => policy.can(principal, action, tenant),

    rateLimit: (ctx) => ctx.services.rateLimits.consume(ctx),
  };
}
