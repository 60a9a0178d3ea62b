import type { Request } from 'express';
import type { Logger } from '../logger';
import type { Services } from '../services';

/** Who is calling, as established by a verified credential (never by a bare header). */
export interface Principal {
  kind: 'user' | 'api_key' | 'platform';
  /** IdP subject for users, `key:<id>` for API keys, `platform` for the bootstrap admin key. */
  subject: string;
  /** Tenant slugs this principal may act in; platform admins may act in any tenant. */
  tenants: string[];
  roles: string[];
  groups: string[];
  /** API-key scopes (role names or `resource:verb` actions); empty for users. */
  scopes: string[];
  email?: string;
  name?: string;
  /** For API keys: the key id (for rate limits, last-used and audit). */
  apiKeyId?: string;
  /** For API keys: the one tenant the key belongs to, read with the key, so resolving it costs no second look-up. */
  keyTenant?: TenantRef;
  /** Token issuer for users (Keycloak realm or the embedded issuer). */
  issuer?: string;
}

export interface TenantRef {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
}

export interface RequestContext {
  services: Services;
  requestId: string;
  log: Logger;
  principal: Principal | null;
  tenant: TenantRef | null;
}

export interface PrincipalContext extends RequestContext {
  principal: Principal;
}

export interface TenantContext extends RequestContext {
  principal: Principal;
  tenant: TenantRef;
}

/** Identity plugs into the platform through this interface, so http/ knows no business module. */
export interface AccessControl {
  authenticate(bearer: string, ctx: RequestContext): Promise<Principal>;
  resolveTenant(principal: Principal, requested: string | undefined, ctx: RequestContext): Promise<TenantRef>;
  can(principal: Principal, action: string, tenant: TenantRef | null): boolean;
  /** Called after authentication; throws RATE_LIMITED with Retry-After when a budget is spent. */
  rateLimit?(ctx: RequestContext, req: Request): Promise<void>;
}

declare module 'express-serve-static-core' {
  interface Request {
    rawBody?: Buffer;
    ctx?: RequestContext;
    routePattern?: string;
  }
}
