import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../platform/crypto';
import type { Queryable } from '../../platform/db';

/**
 * A person as a data-subject request names them: every identifier Atrium may have stored for them in this
 * tenant. Resolved from the users registry, so asking by email also finds the IdP subject and vice versa.
 */
export interface DataSubject {
  subjects: string[];
  emails: string[];
  userIds: string[];
}

/** Digest under which a subject reference is remembered after erasure (never the reference itself). */
export const subjectDigest = (tenantId: string, ref: string) => sha256Hex(`${tenantId}:${ref.toLowerCase()}`);

export const newPseudonym = () => `erased-${randomBytes(5).toString('hex')}`;

/** SQL expression computing subjectDigest() of `column` in the database, for joins against erased_subjects. */
export const digestSql = (tenantColumn: string, refColumn: string) =>
  `encode(sha256(convert_to(${tenantColumn}::text || ':' || lower(${refColumn}), 'UTF8')), 'hex')`;

export async function resolveDataSubject(q: Queryable, input: { user?: string; email?: string }): Promise<DataSubject> {
  const email = input.email?.trim().toLowerCase();
  const rows = await q.query<{ id: string; subject: string; email: string | null }>(
    `SELECT id, subject, email FROM users
      WHERE ($1::text IS NOT NULL AND (subject = $1 OR id::text = $1)) OR ($2::text IS NOT NULL AND lower(email) = $2)`,
    [input.user ?? null, email ?? null],
  );
  const subjects = new Set(rows.rows.map((r) => r.subject));
  if (input.user && !rows.rows.some((r) => r.id === input.user)) subjects.add(input.user);
  const emails = new Set(rows.rows.flatMap((r) => (r.email ? [r.email.toLowerCase()] : [])));
  if (email) emails.add(email);
  return { subjects: [...subjects], emails: [...emails], userIds: rows.rows.map((r) => r.id) };
}

/** Every reference to the person (subjects, emails, user ids), as compared against free-form columns. */
export const allRefs = (s: DataSubject) => [...s.subjects, ...s.emails, ...s.userIds];
