/**
 * The slice of the platform's database handle the knowledge SQL needs: a tenant-scoped transaction
 * (row-level security already bound) from `db.withTenant`. Kept this narrow so the same code runs on
 * `pg` and PGlite, and so the retrieval core can be benchmarked on a bare connection.
 */
export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/** PostgreSQL text search configuration used for BM25 lexemes (Snowball English stemmer + stopwords). */
export const TEXT_SEARCH_CONFIG = 'english';
