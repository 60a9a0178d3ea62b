import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { RouteDefinition } from './route';

extendZodWithOpenApi(z);

const errorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** OpenAPI 3.1 generated from the same route definitions and zod schemas the server runs. */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], version: string) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A Keycloak access token, a tenant API key (atr_…), or the platform admin key.',
  });
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {};
    const status = route.status ?? (route.response ? 200 : 204);
    responses[String(status)] = route.response
      ? { description: 'Success', content: { 'application/json': { schema: route.response } } }
      : { description: route.produces ? `Success (${route.produces.join(', ')})` : 'Success' };
    for (const [code, description] of Object.entries({ 400: 'Invalid input', 401: 'Missing or invalid credential', 403: 'Not allowed', 404: 'Not found' })) {
      if (route.auth === 'public' && (code === '401' || code === '403')) continue;
      responses[code] = { description, content: { 'application/json': { schema: errorEnvelope } } };
    }
    registry.registerPath({
      method: route.method,
      path,
      summary: route.summary,
      tags: route.tags,
      security: route.auth === 'public' ? [] : [{ bearer: [] }],
      request: {
        params: route.params as never,
        query: route.query as never,
        body: route.body ? { content: { 'application/json': { schema: route.body } } } : undefined,
        headers: route.auth === 'tenant' ? (z.object({ 'x-tenant-id': z.string().optional() }) as never) : undefined,
      },
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Atrium API',
      version,
      description: 'The AI front desk: knowledge, chat, safety, tools, approvals, audit. Errors are `{ "error": { "code", "message", "details"? } }`.',
    },
    servers: [{ url: '/' }],
  });
}
