import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { AppError } from '../../platform/errors';

/**
 * Tool inputs are validated against the operator's JSON Schema with ajv (the most used, maintained JSON
 * Schema validator; draft 2020-12, what model APIs speak). Compiled validators are cached per tool version.
 */
const ajv = new Ajv2020({ allErrors: true, strict: false, coerceTypes: false, useDefaults: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

const cache = new Map<string, ValidateFunction>();
const CACHE_LIMIT = 500;

/** At save time: the schema must compile and describe an object (tool calls carry named arguments). */
export function assertValidInputSchema(schema: Record<string, unknown>): void {
  if (schema.type !== 'object') throw new AppError('VALIDATION', 'input_schema: must be a JSON Schema with "type": "object"');
  try {
    ajv.compile(schema);
  } catch (e) {
    throw new AppError('VALIDATION', `input_schema: not a valid JSON Schema (${(e as Error).message})`);
  }
}

function validatorFor(key: string, schema: Record<string, unknown>): ValidateFunction {
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile(schema);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, v);
  }
  return v;
}

const describeError = (e: ErrorObject): string => {
  const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'input';
  if (e.keyword === 'required') return `${at === 'input' ? '' : `${at}.`}${(e.params as { missingProperty: string }).missingProperty}: is required`;
  if (e.keyword === 'additionalProperties') return `${at}: unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  return `${at}: ${e.message}`;
};

/** Validates (and fills schema defaults into) a copy of the input; problems read "field: what is wrong". */
export function validateToolInput(
  cacheKey: string,
  schema: Record<string, unknown>,
  input: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; problems: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, problems: ['input: must be a JSON object of named arguments'] };
  const value = structuredClone(input) as Record<string, unknown>;
  const validate = validatorFor(cacheKey, schema);
  if (validate(value)) return { ok: true, value };
  return { ok: false, problems: (validate.errors ?? []).map(describeError) };
}
