import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { PrincipalContext, RequestContext, TenantContext } from './context';

export type AuthMode = 'public' | 'principal' | 'tenant';
type ContextFor<A extends AuthMode> = A extends 'tenant' ? TenantContext : A extends 'principal' ? PrincipalContext : RequestContext;

export interface RouteInput<A extends AuthMode, B, Q, P> {
  ctx: ContextFor<A>;
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
}

/**
 * A route is data: method, path, auth, permission, zod schemas and a thin handler. The platform turns
 * it into an Express handler (auth → tenant → permission → validate → handler → present) and into
 * the OpenAPI document, so the two cannot disagree.
 */
export interface RouteDefinition<A extends AuthMode = AuthMode, B = any, Q = any, P = any, R = any> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, e.g. `/v1/tools/:id`. */
  path: string;
  summary: string;
  tags: string[];
  auth: A;
  /** `resource:verb` action checked by the policy of the caller's roles/scopes. */
  permission?: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /**
   * Response schema: documents the API and is parsed on the way out, so only allowlisted fields
   * ever leave the process. Omit only for streamed/raw responses the handler writes itself.
   */
  response?: z.ZodType<R>;
  /** Success status (default 200). */
  status?: number;
  /** Extra Express middleware run after auth (e.g. multipart parsing). */
  middleware?: RequestHandler[];
  /**
   * A machine-to-machine receiver on a hot path (a webhook): mounted ahead of the console-facing middleware — request
   * logging, helmet's headers, CORS, the shared body parser — with a JSON parser of its own that keeps the raw bytes
   * for signatures. Each acknowledgement is then spent on the receiver's own work (app.ts).
   */
  early?: boolean;
  /** Content types documented for raw responses (e.g. text/event-stream). */
  produces?: string[];
  handler: (input: RouteInput<A, B, Q, P>) => Promise<R | undefined | void>;
}

export function defineRoute<A extends AuthMode, B = undefined, Q = undefined, P = undefined, R = unknown>(
  route: RouteDefinition<A, B, Q, P, R>,
): RouteDefinition<A, B, Q, P, R> {
  return route;
}
