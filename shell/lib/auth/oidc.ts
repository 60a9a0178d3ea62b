import 'server-only';
import * as client from 'openid-client';
import { shellEnv } from '../env';

/** openid-client v6 (certified, well-kept): discovery once per process, then code + PKCE and refresh grants. */
let discovered: Promise<client.Configuration> | undefined;

export function oidcConfiguration(): Promise<client.Configuration> {
  const env = shellEnv();
  discovered ??= client
    .discovery(
      new URL(env.OIDC_ISSUER_URL),
      env.OIDC_CLIENT_ID,
      env.OIDC_CLIENT_SECRET,
      env.OIDC_CLIENT_SECRET ? undefined : client.None(),
      // Plain http is allowed only for loopback issuers (development and the e2e suite).
      isLoopback(env.OIDC_ISSUER_URL) ? { execute: [client.allowInsecureRequests] } : undefined,
    )
    .catch((error: unknown) => {
      discovered = undefined; // retry discovery on the next request instead of caching the failure
      throw error;
    });
  return discovered;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

export const redirectUri = () => new URL('/auth/callback', shellEnv().SHELL_PUBLIC_URL).toString();

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  expiresAt: number;
  subject?: string;
  name?: string;
}

export function toTokenSet(tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers): TokenSet {
  const claims = tokens.claims();
  const expiresIn = tokens.expiresIn() ?? 300;
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    idToken: tokens.id_token,
    expiresAt: Math.floor(Date.now() / 1000) + expiresIn,
    subject: claims?.sub,
    name: typeof claims?.name === 'string' ? claims.name : typeof claims?.preferred_username === 'string' ? claims.preferred_username : undefined,
  };
}

/** Refreshes when the access token has less than 30 s left; returns null when the refresh token is gone or refused. */
export async function refreshIfNeeded(session: { accessToken?: string; refreshToken?: string; expiresAt?: number }): Promise<TokenSet | null | 'fresh'> {
  if (session.accessToken && session.expiresAt && session.expiresAt - 30 > Date.now() / 1000) return 'fresh';
  if (!session.refreshToken) return null;
  try {
    const tokens = await client.refreshTokenGrant(await oidcConfiguration(), session.refreshToken);
    return toTokenSet(tokens);
  } catch {
    return null;
  }
}
