import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import express, { type Request, type Response } from 'express';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../../../platform/config';
import { DEMO_USERS, demoPasswordOf, keycloakClaims } from './demo-users';
import { EMBEDDED_REALM_PATH } from './embedded-issuer';
import { loginPage } from './login-page';

/**
 * The embedded issuer's provider and login page (see embedded-issuer.ts). Loaded on the issuer's first
 * request, not at start-up: oidc-provider and the first run's RSA key generation cost about a second.
 */
const RESOURCE = 'urn:atrium:api';

/** Signing key kept in the data folder, so tokens and sessions survive a restart of `npm start`. */
function signingKeys(dataDir: string) {
  const file = join(dataDir, 'embedded-issuer-jwks.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { keys: object[]; cookieKeys: string[] };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = {
    keys: [{ ...privateKey.export({ format: 'jwk' }), kid: `embedded-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' }],
    cookieKeys: [randomBytes(32).toString('hex')],
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(jwks), { mode: 0o600 });
  return jwks;
}

function configuration(keys: { keys: object[]; cookieKeys: string[] }, shellUrls: string[]): Configuration {
  return {
    clients: [
      {
        client_id: 'atrium-shell',
        client_secret: 'atrium-shell-dev-secret',
        redirect_uris: shellUrls.map((u) => `${u}/auth/callback`),
        post_logout_redirect_uris: shellUrls.map((u) => `${u}/`),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: keys.keys as never },
    cookies: { keys: keys.cookieKeys },
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username', 'realm_access', 'groups', 'tenant'],
      email: ['email', 'email_verified'],
    },
    findAccount: (_ctx, sub) => {
      const user = DEMO_USERS.find((u) => u.sub === sub);
      return user ? { accountId: sub, claims: () => ({ sub, ...keycloakClaims(user) }) } : undefined;
    },
    extraTokenClaims: (_ctx, token) => {
      const user = 'accountId' in token ? DEMO_USERS.find((u) => u.sub === token.accountId) : undefined;
      return user ? keycloakClaims(user) : {};
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'openid profile email', audience: 'atrium-api', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    // Keycloak's paths, so clients configured for Keycloak work unchanged
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      jwks: '/protocol/openid-connect/certs',
      userinfo: '/protocol/openid-connect/userinfo',
      introspection: '/protocol/openid-connect/token/introspect',
      revocation: '/protocol/openid-connect/revoke',
      end_session: '/protocol/openid-connect/logout',
    },
    interactions: { url: (_ctx, interaction) => `${EMBEDDED_REALM_PATH}/login/${interaction.uid}` },
    // first-party client: consent is implied, as in Keycloak with consent off
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid profile email offline_access');
      grant.addResourceScope(RESOURCE, 'openid profile email');
      await grant.save();
      return grant;
    },
    ttl: { AccessToken: 300, IdToken: 300, Session: 8 * 3600, Interaction: 600, Grant: 8 * 3600, RefreshToken: 8 * 3600 },
  };
}

/** The issuer's routes (login page, then every OpenID endpoint), to mount at EMBEDDED_REALM_PATH. */
export function embeddedIssuerRouter(issuer: string, config: Config, shellUrls: string[]): express.Router {
  const provider = new Provider(issuer, configuration(signingKeys(config.ATRIUM_DATA_DIR), shellUrls));
  provider.proxy = true;
  const router = express.Router();
  router.use(express.urlencoded({ extended: false }));
  const handle =
    (fn: typeof show | typeof submit): express.RequestHandler =>
    (req, res, next) =>
      void fn(provider, req, res).catch(next);
  router.get('/login/:uid', handle(show));
  router.post('/login/:uid', handle(submit));
  router.use(provider.callback() as unknown as express.RequestHandler);
  return router;
}

async function show(provider: Provider, req: Request, res: Response, error?: string) {
  await provider.interactionDetails(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  // the form posts to this page only; the CSP is relaxed for it because the login redirects to the shell's origin
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.type('html').send(loginPage(String(req.params.uid), error));
}

async function submit(provider: Provider, req: Request, res: Response) {
  const { username, password } = req.body as { username?: string; password?: string };
  const user = DEMO_USERS.find((u) => u.username === username?.trim().toLowerCase());
  if (!user || password !== demoPasswordOf(user.username)) return show(provider, req, res.status(401), 'Unknown user or wrong password');
  await provider.interactionFinished(
    req as unknown as IncomingMessage,
    res as unknown as ServerResponse,
    { login: { accountId: user.sub } },
    { mergeWithLastSubmission: false },
  );
}
