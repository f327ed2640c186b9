import { sameTransaction } from './after-commit';
import type { Sql } from './sql';
import type { SqlTx } from './transaction';

/**
 * A transaction's pipelined SQL as the `SqlTx` that write-only library code takes (the decision
 * log): each statement goes out with `send`, behind the work's earlier writes and ahead of its
 * COMMIT, so it costs no round trip of its own; a failed one fails the commit. It is the same
 * transaction for `afterCommit`, so what such code counts after commit is dropped on rollback.
 * Only for writes whose result nobody reads: it answers 0 rows, and refuses reads.
 */
export const pipelinedWrites = (sql: Sql): SqlTx => {
  const view: SqlTx = {
    $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
      sql.send(query, values);
      return Promise.resolve(0);
    },
    $queryRawUnsafe<T>(): Promise<T> {
      return Promise.reject(new Error('pipelinedWrites only sends writes: read through the transaction itself'));
    },
  };
  sameTransaction(view, sql);
  return view;
};
