import { NextResponse, type NextRequest } from 'next/server';
import { refreshIfNeeded } from '@/lib/auth/oidc';
import { readSession } from '@/lib/auth/session';
import { callApi, currentTenantSlug } from '@/lib/api/upstream';
import { shellEnv } from '@/lib/env';

/**
 * Backend-for-frontend: the browser calls /api/atrium/v1/…, this handler adds the user's access token (refreshing it
 * when stale) and the tenant, and streams the answer back — JSON, downloads and SSE alike. Tokens never reach the page.
 */
export const dynamic = 'force-dynamic';

const PASS_REQUEST = ['content-type', 'accept', 'x-tenant-id', 'x-request-id', 'idempotency-key', 'last-event-id'];
const PASS_RESPONSE = ['content-type', 'content-disposition', 'cache-control', 'x-request-id', 'retry-after'];

const problem = (status: number, code: string, message: string) => NextResponse.json({ error: { code, message } }, { status });

function sameOrigin(request: NextRequest): boolean {
  // Cross-site pages cannot set a custom header without a CORS preflight this handler never answers.
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  const origin = request.headers.get('origin');
  return (
    request.headers.get('x-atrium-shell') === '1' && (!origin || origin === new URL(shellEnv().SHELL_PUBLIC_URL).origin || origin === request.nextUrl.origin)
  );
}

async function proxy(request: NextRequest, { params }: { params: Promise<{ path: string[] }> }) {
  const segments = (await params).path;
  if (segments[0] !== 'v1' || segments.some((s) => s === '..' || s === '.' || s.includes('/'))) return problem(404, 'NOT_FOUND', 'Unknown API path');
  if (!sameOrigin(request)) return problem(403, 'CSRF', 'Cross-site request refused');
  const session = await readSession();
  const fresh = await refreshIfNeeded(session);
  if (fresh === null) return problem(401, 'UNAUTHENTICATED', 'Your session has ended; sign in again');
  if (fresh !== 'fresh') {
    session.accessToken = fresh.accessToken;
    session.refreshToken = fresh.refreshToken ?? session.refreshToken;
    session.expiresAt = fresh.expiresAt;
    await session.save();
  }
  const headers = new Headers();
  for (const name of PASS_REQUEST) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const tenant = request.headers.get('x-tenant-id') ?? (await currentTenantSlug());
  const path = `/${segments.map(encodeURIComponent).join('/')}${request.nextUrl.search}`;
  let upstream: Response;
  try {
    upstream = await callApi(path, {
      token: session.accessToken!,
      tenant,
      method: request.method,
      headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? null : request.body,
      signal: request.signal,
    });
  } catch {
    return problem(502, 'UPSTREAM_UNAVAILABLE', 'The Atrium API is not reachable');
  }
  const out = new Headers();
  for (const name of PASS_RESPONSE) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  if (out.get('content-type')?.startsWith('text/event-stream')) out.set('x-accel-buffering', 'no');
  return new Response(upstream.body, { status: upstream.status, headers: out });
}

export { proxy as GET, proxy as POST, proxy as PUT, proxy as PATCH, proxy as DELETE };
