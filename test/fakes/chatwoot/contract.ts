import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
// ajv: the standard JSON Schema validator; its 2020-12 build matches OpenAPI 3.1 schema semantics.
import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';

/**
 * Chatwoot's own OpenAPI 3.1 document, read at run time from the shared contract folder (never copied into the repo).
 * The fake validates every JSON request body against it and can check its own responses against it, so the fake
 * cannot drift from what Chatwoot publishes. Where Chatwoot's code and its swagger disagree, the contract README
 * (derived from the code) wins; those few places are listed in `swaggerDeviations` with the README section.
 */
// shared/ sits beside the checkout (../shared), in development and in CI alike.
const besideCheckout = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'contracts', 'chatwoot');
export const CONTRACT_DIR = process.env.CHATWOOT_CONTRACT_DIR ?? (existsSync(besideCheckout) ? besideCheckout : '/work/shared/contracts/chatwoot');

type JsonSchema = Record<string, unknown>;
interface SwaggerOperation {
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}
interface SwaggerDocument {
  paths: Record<string, Record<string, SwaggerOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

export interface SchemaCheck {
  ok: boolean;
  errors: string[];
}

export interface OperationContract {
  method: string;
  path: string;
  /** undefined when the operation declares no JSON body */
  validateBody?: (body: unknown) => SchemaCheck;
  /** undefined when swagger declares no JSON schema for that status */
  responseValidator(status: number): ((body: unknown) => SchemaCheck) | undefined;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
}

function asCheck(fn: ValidateFunction): (body: unknown) => SchemaCheck {
  return (body) => {
    const ok = fn(body) as boolean;
    return { ok, errors: ok ? [] : formatErrors(fn.errors) };
  };
}

export class ChatwootContract {
  readonly document: SwaggerDocument;
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, OperationContract>();

  constructor(dir = CONTRACT_DIR) {
    this.document = JSON.parse(readFileSync(join(dir, 'swagger', 'swagger.json'), 'utf8')) as SwaggerDocument;
    // strict:false because swagger carries OpenAPI-only keywords (example, nullable, discriminator, readOnly).
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    this.ajv.addSchema({ $id: 'chatwoot', components: this.document.components }, 'chatwoot');
  }

  /** Compiles a schema whose `#/components/...` refs point into the swagger document. */
  compile(schema: JsonSchema): (body: unknown) => SchemaCheck {
    const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"chatwoot#/components/'));
    return asCheck(this.ajv.compile(rewritten));
  }

  hasPath(path: string): boolean {
    return path in this.document.paths;
  }

  paths(): string[] {
    return Object.keys(this.document.paths);
  }

  operation(method: string, path: string): OperationContract | undefined {
    const key = `${method} ${path}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const op = this.document.paths[path]?.[method.toLowerCase()];
    if (!op) return undefined;
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    const responseChecks = new Map<number, (body: unknown) => SchemaCheck>();
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      const schema = response.content?.['application/json']?.schema;
      if (schema) responseChecks.set(Number(status), this.compile(schema));
    }
    const contract: OperationContract = {
      method,
      path,
      validateBody: bodySchema ? this.compile(bodySchema) : undefined,
      responseValidator: (status) => responseChecks.get(status),
    };
    this.cache.set(key, contract);
    return contract;
  }
}

let shared: ChatwootContract | undefined;
/** Parsing the 480 kB swagger once per process keeps many fakes cheap. */
export function loadChatwootContract(): ChatwootContract {
  shared ??= new ChatwootContract();
  return shared;
}

/**
 * Places where Chatwoot's code (per the contract README) answers differently from its own swagger. The fake follows
 * the code; the response check skips exactly these (method, path, status) triples and nothing else.
 */
export const swaggerDeviations: ReadonlyArray<{ method: string; path: string; status: number; why: string }> = [
  {
    method: 'POST',
    path: '/api/v1/accounts/{account_id}/conversations/{conversation_id}/toggle_status',
    status: 200,
    why: 'README §3: on bot handoff the code leaves payload.success unset, so it is null (swagger: boolean)',
  },
  {
    method: 'POST',
    path: '/api/v1/accounts/{account_id}/webhooks',
    status: 200,
    why: 'README §4: create answers {"payload":{"webhook":{…}}} (swagger: the bare webhook object)',
  },
  {
    method: 'GET',
    path: '/api/v1/accounts/{account_id}/webhooks',
    status: 200,
    why: 'README §4: index answers {"payload":{"webhooks":[…]}} (swagger: a bare array)',
  },
];

export function isKnownDeviation(method: string, path: string, status: number): boolean {
  return swaggerDeviations.some((d) => d.method === method && d.path === path && d.status === status);
}
