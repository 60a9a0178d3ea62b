import { NextResponse, type NextRequest } from 'next/server';

/** Passes the requested path to server components so a sign-in bounce returns the user to the same page. */
export function middleware(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set('x-atrium-path', request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/((?!api/|auth/|_next/|widget|favicon).*)'] };
