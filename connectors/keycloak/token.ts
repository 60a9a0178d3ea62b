import * as oidc from 'openid-client';
import { KeycloakError } from './errors';

/**
 * Client-credentials tokens for the `atrium-sync` service account, through openid-client (certified, keeps up
 * with OAuth details such as client authentication and discovery). A token is cached until shortly before it
 * expires; concurrent callers share one in-flight grant.
 */
export interface ServiceAccountOptions {
  /** e.g. http://127.0.0.1:8180/realms/atrium */
  issuer: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  now?: () => number;
}

export interface TokenSource {
  get(): Promise<string>;
  /** drop the cached token (after a 401: the realm keys may have rotated or the session was revoked) */
  invalidate(): void;
}

export function serviceAccountTokens(options: ServiceAccountOptions): TokenSource {
  const now = options.now ?? Date.now;
  let config: Promise<oidc.Configuration> | undefined;
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  const discover = () => {
    config ??= oidc
      .discovery(new URL(options.issuer), options.clientId, undefined, oidc.ClientSecretPost(options.clientSecret), {
        timeout: Math.ceil(options.timeoutMs / 1000),
        // plain http only for a loopback Keycloak (dev, tests); anything else must be https
        execute: isLoopbackHttp(options.issuer) ? [oidc.allowInsecureRequests] : [],
      })
      .catch((e: unknown) => {
        config = undefined; // retry discovery next time instead of caching the failure
        throw mapGrantError(e, 'discover the realm');
      });
    return config;
  };

  async function grant(): Promise<string> {
    const tokens = await oidc.clientCredentialsGrant(await discover()).catch((e: unknown) => {
      throw mapGrantError(e, 'issue a service-account token');
    });
    const lifetimeMs = (tokens.expiresIn() ?? 60) * 1000;
    // refresh at 80% of the lifetime, so a token never expires between the check and Keycloak's own check
    cached = { token: tokens.access_token, refreshAt: now() + lifetimeMs * 0.8 };
    return tokens.access_token;
  }

  return {
    get() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      inflight ??= grant().finally(() => (inflight = undefined));
      return inflight;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

function isLoopbackHttp(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function mapGrantError(e: unknown, what: string): KeycloakError {
  if (e instanceof oidc.ResponseBodyError) {
    const code =
      e.status === 401 || e.error === 'invalid_client' || e.error === 'unauthorized_client'
        ? 'UPSTREAM_UNAUTHORIZED'
        : e.status >= 500
          ? 'UPSTREAM_UNAVAILABLE'
          : 'UPSTREAM_REJECTED';
    return new KeycloakError(code, `Keycloak refused to ${what}: ${e.error}${e.error_description ? ` (${e.error_description})` : ''}`, {
      upstreamStatus: e.status,
      cause: e,
    });
  }
  const name = (e as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new KeycloakError('UPSTREAM_TIMEOUT', `Keycloak did not answer in time to ${what}`, { cause: e });
  const status = (e as { cause?: { status?: number } })?.cause?.status;
  if (typeof status === 'number' && status >= 500)
    return new KeycloakError('UPSTREAM_UNAVAILABLE', `Keycloak failed to ${what} with HTTP ${status}`, { upstreamStatus: status, cause: e });
  if (e instanceof TypeError) return new KeycloakError('UPSTREAM_UNAVAILABLE', `Keycloak is unreachable to ${what}: ${e.message}`, { cause: e });
  return new KeycloakError('UPSTREAM_BAD_RESPONSE', `Keycloak answered unexpectedly when asked to ${what}: ${(e as Error)?.message ?? String(e)}`, {
    cause: e,
  });
}
