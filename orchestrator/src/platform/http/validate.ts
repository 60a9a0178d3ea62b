import type { z } from 'zod';
import { AppError } from '../errors';

/** Turns a zod failure into one readable VALIDATION error: "field: what is wrong; …". */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query' | 'params'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : where;
    return { path, message: issue.message };
  });
  throw new AppError('VALIDATION', problems.map((p) => `${p.path}: ${p.message}`).join('; '), {
    details: { in: where, problems },
  });
}
