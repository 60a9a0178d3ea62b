import { finalStatementText } from './inlined-statement';
import type { Queryable, Tx } from './types';

/**
 * Collects after-commit callbacks for one transaction; run() fires them once the COMMIT succeeded. `finals` are the
 * statements to send with COMMIT (Tx.finalStatement), checked and inlined when added.
 */
export function withAfterCommit(q: Queryable, lead?: Tx['lead']): { tx: Tx; run: () => void; finals: string[] } {
  const callbacks: (() => void | Promise<void>)[] = [];
  const finals: string[] = [];
  return {
    finals,
    tx: {
      query: q.query.bind(q),
      afterCommit: (fn) => void callbacks.push(fn),
      lead,
      finalStatement: (sql, values) => void finals.push(finalStatementText(sql, values)),
    },
    run: () => {
      for (const fn of callbacks) {
        try {
          void Promise.resolve(fn()).catch(() => undefined);
        } catch {
          /* an after-commit side effect must never undo or fail a committed transaction */
        }
      }
    },
  };
}
