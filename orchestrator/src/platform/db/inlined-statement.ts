/**
 * Statements that ride in a transaction's BEGIN or COMMIT round trip (tenant-scope.ts, postgres.ts). Those round trips
 * are multi-statement strings, sent through the simple query protocol, which takes no parameters: values are written
 * into the text. That is safe only for static SQL written in code (no quote, `$` or `;` of its own) and values of a
 * shape that cannot carry SQL: a uuid, a safe integer or a plain lower-case word. Anything else is refused, loudly.
 */
export type InlineValue = string | number;
export type InlineValues = Readonly<Record<string, InlineValue>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORD = /^[a-z_]{1,63}$/;
const STATIC_SQL = /^[^;$']+$/;
const PLACEHOLDER = /(?<!:):([a-z][a-z_]*)\b/g; // not a `::type` cast

function literal(name: string, value: InlineValue): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`inlined value :${name} must be a safe integer, got ${value}`);
    return String(value);
  }
  if (UUID.test(value)) return `'${value}'::uuid`;
  if (WORD.test(value)) return `'${value}'`;
  throw new Error(`inlined value :${name} must be a uuid, an integer or a plain word`);
}

/** `sql` with each `:name` replaced by its value as a literal; every placeholder needs a value. */
export function inlineStatement(sql: string, values: InlineValues): string {
  if (!STATIC_SQL.test(sql)) throw new Error(`an inlined statement is static SQL without quotes, $ or ;, got "${sql}"`);
  return sql.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(name in values)) throw new Error(`inlined statement has no value for ${whole}`);
    return literal(name, values[name]!);
  });
}

/** A data-modifying statement sent with COMMIT (Tx.finalStatement): only UPDATE, INSERT or DELETE. */
export function finalStatementText(sql: string, values: InlineValues): string {
  if (!/^(UPDATE|INSERT|DELETE) /.test(sql)) throw new Error(`a final statement is one UPDATE, INSERT or DELETE, got "${sql}"`);
  return inlineStatement(sql, values);
}
