import type { Queryable, Tx } from './types';

/** Collects after-commit callbacks for one transaction; run() fires them once the COMMIT succeeded. */
export function withAfterCommit(q: Queryable, lead?: Tx['lead']): { tx: Tx; run: () => void } {
  const callbacks: (() => void | Promise<void>)[] = [];
  return {
    tx: { query: q.query.bind(q), afterCommit: (fn) => void callbacks.push(fn), lead },
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
