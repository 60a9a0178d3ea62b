import { NextResponse, type NextRequest } from 'next/server';
import * as client from 'openid-client';
import { oidcConfiguration, toTokenSet } from '@/lib/auth/oidc';
import { readSession, storeIdToken, takePendingLogin } from '@/lib/auth/session';
import { shellEnv } from '@/lib/env';

const fail = (reason: string) => NextResponse.redirect(new URL(`/login?error=${encodeURIComponent(reason)}`, shellEnv().SHELL_PUBLIC_URL));

/** Exchanges the code (checking state, nonce and the PKCE verifier) and opens the session. */
export async function GET(request: NextRequest) {
  const pending = await takePendingLogin();
  if (!pending) return fail('login_expired');
  // The callback URL is rebuilt from the configured public URL, not from Host headers a proxy may rewrite.
  const current = new URL(request.nextUrl.pathname + request.nextUrl.search, shellEnv().SHELL_PUBLIC_URL);
  if (current.searchParams.get('error')) return fail(current.searchParams.get('error') ?? 'denied');
  try {
    const tokens = await client.authorizationCodeGrant(await oidcConfiguration(), current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const set = toTokenSet(tokens);
    const session = await readSession();
    session.accessToken = set.accessToken;
    session.refreshToken = set.refreshToken;
    session.expiresAt = set.expiresAt;
    session.subject = set.subject;
    session.name = set.name;
    await session.save();
    await storeIdToken(set.idToken);
    return NextResponse.redirect(new URL(pending.returnTo, shellEnv().SHELL_PUBLIC_URL));
  } catch {
    return fail('code_exchange_failed');
  }
}
