import 'server-only';
import { cookies } from 'next/headers';
import { shellEnv } from '../env';

export const TENANT_COOKIE = 'atrium_tenant';

/** The tenant the console is looking at (a slug the switcher stored); the API re-checks it against the token. */
export async function currentTenantSlug(): Promise<string | undefined> {
  return (await cookies()).get(TENANT_COOKIE)?.value || undefined;
}

/** Server-side call to the orchestrator with the user's access token (server components and route handlers). */
export async function callApi(
  path: string,
  init: { token: string; tenant?: string; method?: string; body?: BodyInit | null; headers?: Headers; signal?: AbortSignal },
) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${init.token}`);
  if (init.tenant) headers.set('x-tenant-id', init.tenant);
  return fetch(new URL(path, shellEnv().ATRIUM_API_URL), {
    method: init.method ?? 'GET',
    headers,
    body: init.body,
    signal: init.signal,
    cache: 'no-store',
    // Request bodies are streamed through (uploads), which fetch only allows in half-duplex mode.
    ...(init.body ? { duplex: 'half' } : {}),
  } as RequestInit);
}
