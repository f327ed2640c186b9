import type { Sql, SqlTx } from '@govern/platform-db';

/**
 * The unit's pipelined SQL as the `SqlTx` the decision log writes through: the decision rows go
 * out with `send`, behind the use case's writes and ahead of the unit's effects and COMMIT, so
 * recording costs one more statement in the same flight and no round trip of its own. A failed
 * insert fails the unit's commit. Only for writes whose result nobody reads (it answers 0 rows).
 */
export const pipelinedTx = (sql: Sql): SqlTx => ({
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    sql.send(query, values);
    return Promise.resolve(0);
  },
  $queryRawUnsafe<T>(): Promise<T> {
    return Promise.reject(new Error('pipelinedTx only sends writes: read through the unit'));
  },
});
