import type { Express, Request, RequestHandler, Response } from 'express';
import { AppError } from '../errors';
import type { AccessControl, RequestContext } from './context';
import type { RouteDefinition } from './route';
import { parseInput } from './validate';

const bearerOf = (req: Request): string | undefined => {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError('UNAUTHENTICATED', 'Authorization header must be "Bearer <token or API key>"');
  return match[1];
};

const asyncStep =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).then(() => next(), next);
  };

/** auth → tenant → permission, before any route middleware (so uploads are never parsed for strangers). */
function accessStep(route: RouteDefinition, access: AccessControl): RequestHandler {
  return asyncStep(async (req) => {
    req.routePattern = route.path;
    const ctx = req.ctx as RequestContext;
    if (route.auth === 'public') return;
    const bearer = bearerOf(req);
    if (!bearer) throw new AppError('UNAUTHENTICATED', 'Send a credential as "Authorization: Bearer <token or API key>"');
    ctx.principal = await access.authenticate(bearer, ctx);
    ctx.log = ctx.log.child({ subject: ctx.principal.subject });
    if (route.auth === 'tenant') {
      const header = req.headers['x-tenant-id'];
      ctx.tenant = await access.resolveTenant(ctx.principal, Array.isArray(header) ? header[0] : header, ctx);
      if (ctx.tenant.status === 'suspended') throw new AppError('TENANT_SUSPENDED', `Tenant "${ctx.tenant.slug}" is suspended`);
    }
    if (access.rateLimit) await access.rateLimit(ctx, req);
    if (route.permission && !access.can(ctx.principal, route.permission, ctx.tenant)) {
      throw new AppError('FORBIDDEN', `Your roles do not allow "${route.permission}"`);
    }
  });
}

/** validate → handler → present (the response schema strips anything not allowlisted). */
function executeStep(route: RouteDefinition): RequestHandler {
  return (req, res, next) => {
    const run = async () => {
      const ctx = req.ctx as RequestContext;
      const params = route.params ? parseInput(route.params, req.params, 'params') : req.params;
      const query = route.query ? parseInput(route.query, req.query, 'query') : req.query;
      const body = route.body ? parseInput(route.body, req.body ?? {}, 'body') : undefined;
      const result = await route.handler({ ctx: ctx as never, body, query, params, req, res });
      if (res.headersSent || res.writableEnded) return;
      if (result === undefined && !route.response) {
        res.status(route.status ?? 204).end();
        return;
      }
      res.status(route.status ?? 200).json(route.response ? route.response.parse(result) : result);
    };
    run().catch(next);
  };
}

/** `before`: middleware ahead of the access step (an early route's own body parser). */
export function mountRoute(app: Express, route: RouteDefinition, access: AccessControl, before: RequestHandler[] = []): void {
  app[route.method](route.path, ...before, accessStep(route, access), ...(route.middleware ?? []), executeStep(route));
}
