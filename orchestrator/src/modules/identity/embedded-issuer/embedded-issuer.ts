import type { Express, RequestHandler, Router } from 'express';
import type { Config } from '../../../platform/config';
import { AppError } from '../../../platform/errors';

/**
 * The embedded development issuer: a certified OpenID provider (panva's oidc-provider) mounted in the API at
 * `/realms/atrium`, with Keycloak's endpoint paths and token claims, so `npm start` works without a Keycloak and the
 * shell logs in the same way. It knows only the demo users and is refused in production (contracts/keycloak.md §8).
 */
export const EMBEDDED_REALM_PATH = '/realms/atrium';

/** The embedded issuer's URL when it is on: development mode (`npm start`) without a configured Keycloak. */
export function embeddedIssuerUrl(config: Config): string | null {
  if (config.OIDC_ISSUER_URL || config.NODE_ENV !== 'development') return null;
  const base = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  return `${base.replace(/\/$/, '')}${EMBEDDED_REALM_PATH}`;
}

/**
 * Mounts the issuer (and its login page) on `app`; throws in production. The provider itself is built on
 * the first request under the realm path (embedded-provider.ts), which keeps it out of start-up time.
 */
export function mountEmbeddedIssuer(app: Express, config: Config): string {
  if (config.NODE_ENV === 'production') throw new AppError('FORBIDDEN', 'The embedded OIDC issuer is for development only; configure OIDC_ISSUER_URL');
  const issuer = embeddedIssuerUrl(config);
  if (!issuer) throw new AppError('CONFLICT', 'OIDC_ISSUER_URL is set: Keycloak is the issuer, the embedded one stays off');
  const shellUrls = ['http://localhost:3000', 'http://127.0.0.1:3000', ...config.CORS_ORIGINS].map((u) => u.replace(/\/$/, ''));
  let router: Promise<Router> | undefined;
  const lazily: RequestHandler = (req, res, next) => {
    router ??= import('./embedded-provider').then((m) => m.embeddedIssuerRouter(issuer, config, [...new Set(shellUrls)]));
    router.then((r) => r(req, res, next), next);
  };
  app.use(EMBEDDED_REALM_PATH, lazily);
  return issuer;
}
