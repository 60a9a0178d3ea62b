import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Services } from '../services';
import { httpRequestDuration, metricsRegistry } from '../metrics';
import type { AccessControl, RequestContext } from './context';
import { errorHandler, notFoundHandler } from './errors';
import { mountRoute } from './mount';
import { buildOpenApiDocument } from './openapi';
import type { RouteDefinition } from './route';
import { docsInitScript, docsPage } from './docs-page';

export const API_VERSION = '0.1.0';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface AppOptions {
  services: Services;
  routes: readonly RouteDefinition[];
  access: AccessControl;
  /** Mounts extra handlers before the API routes (the embedded development OIDC issuer). */
  mountExtras?: (app: Express) => void;
}

/** The Express app: platform middleware, platform endpoints, then every module's routes. */
export function createApp({ services, routes, access, mountExtras }: AppOptions): Express {
  const { config, log } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.set('query parser', 'extended');

  app.use((req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const ctx: RequestContext = { services, requestId, log: log.child({ requestId }), principal: null, tenant: null };
    req.ctx = ctx;
    const end = httpRequestDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.routePattern ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });
  const json = express.json({
    limit: config.BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
    verify: (req, _res, buf) => {
      (req as express.Request).rawBody = buf; // webhook signatures are computed over the exact bytes
    },
  });
  // webhook receivers first: none of the console-facing middleware below is theirs to pay for (route.ts `early`)
  for (const route of routes) if (route.early) mountRoute(app, route, access, [json]);
  app.use(
    pinoHttp({
      logger: log,
      genReqId: (req) => (req as express.Request).ctx?.requestId ?? randomUUID(),
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug'),
      // Only method, route and status: never bodies, query strings or headers at info level.
      serializers: {
        req: (req) => ({ method: req.method, url: String(req.url).split('?')[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(helmet({ crossOriginEmbedderPolicy: false }));
  app.use(cors({ origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false, credentials: true, exposedHeaders: ['X-Request-Id', 'Retry-After'] }));
  app.use(json);

  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/ready', (req, res, next) => {
    Promise.all([
      services.db.ping().then(
        () => 'ok',
        (e: Error) => `error: ${e.message}`,
      ),
      services.queue.ping().then(
        () => 'ok',
        (e: Error) => `error: ${e.message}`,
      ),
    ])
      .then(([database, queue]) => {
        const ready = database === 'ok' && queue === 'ok';
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { database, queue: `${services.queue.kind} ${queue}` } });
      })
      .catch(next);
    void req;
  });
  app.get('/metrics', (_req, res, next) => {
    metricsRegistry
      .metrics()
      .then((body) => res.type(metricsRegistry.contentType).send(body))
      .catch(next);
  });
  let openapi: unknown;
  app.get('/openapi.json', (_req, res) => void res.json((openapi ??= buildOpenApiDocument(routes, API_VERSION))));
  const swaggerUiDir = createRequire(import.meta.url)
    .resolve('swagger-ui-dist/package.json')
    .replace(/package\.json$/, '');
  app.use('/docs/assets', express.static(swaggerUiDir, { index: false, maxAge: '1h' }));
  app.get('/docs', (_req, res) => void res.type('html').send(docsPage()));
  app.get('/docs/init.js', (_req, res) => void res.type('js').send(docsInitScript));

  mountExtras?.(app);
  for (const route of routes) if (!route.early) mountRoute(app, route, access);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
