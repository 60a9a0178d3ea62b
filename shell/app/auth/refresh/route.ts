import { NextResponse, type NextRequest } from 'next/server';
import { refreshIfNeeded } from '@/lib/auth/oidc';
import { readSession } from '@/lib/auth/session';
import { safeReturnTo } from '@/lib/auth/return-to';
import { shellEnv } from '@/lib/env';

/** Server components cannot write cookies, so pages bounce through here when the access token is stale. */
export async function GET(request: NextRequest) {
  const returnTo = safeReturnTo(request.nextUrl.searchParams.get('returnTo'));
  const base = shellEnv().SHELL_PUBLIC_URL;
  const session = await readSession();
  const refreshed = await refreshIfNeeded(session);
  if (refreshed === null) {
    session.destroy();
    return NextResponse.redirect(new URL(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`, base));
  }
  if (refreshed !== 'fresh') {
    session.accessToken = refreshed.accessToken;
    session.refreshToken = refreshed.refreshToken ?? session.refreshToken;
    session.expiresAt = refreshed.expiresAt;
    await session.save();
  }
  return NextResponse.redirect(new URL(returnTo, base));
}
