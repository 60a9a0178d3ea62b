import 'server-only';
import { cache } from 'react';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { readSession } from '../auth/session';
import { callApi, currentTenantSlug } from '../api/upstream';
import { meSchema, type Me, type MeTenant } from '../api/schemas';
import { allows, moduleByKey, type ModuleKey } from '../modules';
import { shellEnv } from '../env';

export interface ConsoleState {
  me: Me;
  tenant: MeTenant | null;
}

const login = (returnTo: string) => redirect(`/auth/login?returnTo=${encodeURIComponent(returnTo)}`);

/** Who is signed in and which tenant they are looking at; once per request (React cache). */
export const loadConsole = cache(async (): Promise<ConsoleState> => {
  const returnTo = (await headers()).get('x-atrium-path') ?? '/';
  const session = await readSession();
  if (!session.accessToken) login(returnTo);
  if (!session.expiresAt || session.expiresAt - 30 < Date.now() / 1000) redirect(`/auth/refresh?returnTo=${encodeURIComponent(returnTo)}`);
  let response: Response;
  try {
    response = await callApi('/v1/me', { token: session.accessToken! });
  } catch {
    throw new Error(`The Atrium API at ${shellEnv().ATRIUM_API_URL} is not reachable`);
  }
  if (response.status === 401) login(returnTo);
  if (!response.ok) throw new Error(`GET /v1/me failed with ${response.status}`);
  const me = meSchema.parse(await response.json());
  const wanted = await currentTenantSlug();
  const tenant = me.tenants.find((t) => t.slug === wanted) ?? me.tenants[0] ?? null;
  return { me, tenant };
});

/**
 * A module page renders only when the current tenant's abilities include the module's ability; otherwise the route
 * does not exist for this user (404) — the API refuses the same calls with 403 on its own.
 */
export async function requireModule(key: ModuleKey): Promise<ConsoleState & { tenant: MeTenant }> {
  const mod = moduleByKey(key);
  const state = await loadConsole();
  if (!state.tenant || !allows(state.tenant.abilities, mod)) notFound();
  return state as ConsoleState & { tenant: MeTenant };
}

export const can = (tenant: MeTenant | null, ability: string) => !!tenant?.abilities.includes(ability);
