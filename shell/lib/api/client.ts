'use client';
import useSWR, { type SWRConfiguration } from 'swr';
import type { z } from 'zod';
import { errorEnvelope } from './schemas';

/** An API failure with the orchestrator's stable error code (or UNAVAILABLE when the endpoint does not exist yet). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /** The module's API is not deployed on this orchestrator (404 on the route itself). */
  get unavailable() {
    return this.status === 404 && (this.code === 'NOT_FOUND' || this.code === 'ROUTE_NOT_FOUND' || this.code === 'UNAVAILABLE');
  }
}

let tenantSlug: string | undefined;
/** Set by the frame when the tenant switcher changes; every call names that tenant. */
export const setApiTenant = (slug: string | undefined) => void (tenantSlug = slug);
export const apiTenant = () => tenantSlug;

export const apiUrl = (path: string) => `/api/atrium${path}`;

export function apiHeaders(extra?: HeadersInit): Headers {
  const headers = new Headers(extra);
  headers.set('x-atrium-shell', '1');
  if (tenantSlug) headers.set('x-tenant-id', tenantSlug);
  return headers;
}

async function failure(response: Response): Promise<ApiError> {
  const body = await response.json().catch(() => null);
  const parsed = errorEnvelope.safeParse(body);
  if (parsed.success) return new ApiError(response.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
  return new ApiError(response.status, response.status === 404 ? 'UNAVAILABLE' : 'HTTP_' + response.status, response.statusText || 'Request failed');
}

/** Calls the API through the console's server and parses the answer with the endpoint's schema (zod at the boundary). */
export async function apiCall<S extends z.ZodType>(
  schema: S,
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<z.infer<S>> {
  const isForm = init.body instanceof FormData;
  const response = await fetch(apiUrl(path), {
    method: init.method ?? 'GET',
    headers: apiHeaders(init.body !== undefined && !isForm ? { 'content-type': 'application/json' } : undefined),
    body: init.body === undefined ? undefined : isForm ? (init.body as FormData) : JSON.stringify(init.body),
    signal: init.signal,
    credentials: 'same-origin',
  });
  if (response.status === 401) {
    window.location.assign(`/auth/login?returnTo=${encodeURIComponent(window.location.pathname)}`);
    throw new ApiError(401, 'UNAUTHENTICATED', 'Signing in again…');
  }
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return schema.parse(undefined);
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success)
    throw new ApiError(
      502,
      'CONTRACT_MISMATCH',
      `The API answered in an unexpected shape: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    );
  return parsed.data;
}

/** SWR-cached GET keyed by tenant + path (null path = don't fetch). */
export function useApi<S extends z.ZodType>(schema: S, path: string | null, options?: SWRConfiguration) {
  return useSWR<z.infer<S>, ApiError>(path ? [tenantSlug, path] : null, () => apiCall(schema, path!), {
    revalidateOnFocus: false,
    shouldRetryOnError: (error: unknown) => !(error instanceof ApiError) || error.status >= 500,
    ...options,
  });
}
