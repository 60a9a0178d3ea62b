import { NextResponse, type NextRequest } from 'next/server';
import * as client from 'openid-client';
import { oidcConfiguration, redirectUri } from '@/lib/auth/oidc';
import { storePendingLogin } from '@/lib/auth/session';
import { safeReturnTo } from '@/lib/auth/return-to';
import { shellEnv } from '@/lib/env';

/** Starts the authorization code flow with PKCE (S256), state and nonce. */
export async function GET(request: NextRequest) {
  const returnTo = safeReturnTo(request.nextUrl.searchParams.get('returnTo'));
  let config: client.Configuration;
  try {
    config = await oidcConfiguration();
  } catch {
    return NextResponse.redirect(new URL('/login?error=idp_unreachable', shellEnv().SHELL_PUBLIC_URL));
  }
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  await storePendingLogin({ verifier, state, nonce, returnTo });
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri(),
    scope: shellEnv().OIDC_SCOPES,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return NextResponse.redirect(url);
}
