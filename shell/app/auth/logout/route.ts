import { NextResponse } from 'next/server';
import * as client from 'openid-client';
import { oidcConfiguration } from '@/lib/auth/oidc';
import { readSession, takeIdToken } from '@/lib/auth/session';
import { shellEnv } from '@/lib/env';

/** POST only (a link or image cannot log someone out): clears the session, then ends the IdP session too. */
export async function POST() {
  const session = await readSession();
  const refreshToken = session.refreshToken;
  session.destroy();
  const idToken = await takeIdToken();
  const afterLogout = new URL('/login?signed_out=1', shellEnv().SHELL_PUBLIC_URL).toString();
  try {
    const config = await oidcConfiguration();
    if (refreshToken) await client.tokenRevocation(config, refreshToken).catch(() => undefined);
    const endSession = config.serverMetadata().end_session_endpoint
      ? client.buildEndSessionUrl(config, { post_logout_redirect_uri: afterLogout, ...(idToken ? { id_token_hint: idToken } : {}) })
      : new URL(afterLogout);
    return NextResponse.redirect(endSession, 303);
  } catch {
    return NextResponse.redirect(afterLogout, 303);
  }
}
