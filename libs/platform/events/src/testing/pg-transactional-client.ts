import type { IsolationLevel, SqlTx, TransactionalClient } from '@govern/platform-db';
import type pg from 'pg';

const ISOLATION: Record<IsolationLevel, string> = {
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

/**
 * What a generated Prisma client offers consumers (`$transaction` with raw SQL), over a
 * plain pg pool, so the lib's tests need no service schema. `afterCommit` (given the committed
 * transaction) lets a fault test act between commit and the caller seeing it (a crash before ack)
 * and a bench stamp what the transaction did at its commit time.
 */
export const pgTransactionalClient = (pool: pg.Pool, hooks: { afterCommit?: (tx: SqlTx) => void } = {}): TransactionalClient<SqlTx> => ({
  async $transaction(fn, options) {
    const client = await pool.connect();
    try {
      await client.query(options?.isolationLevel ? `BEGIN ISOLATION LEVEL ${ISOLATION[options.isolationLevel]}` : 'BEGIN');
      const tx: SqlTx = {
        $executeRawUnsafe: async (query, ...values) => (await client.query(query, values)).rowCount ?? 0,
        $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) => (await client.query(query, values)).rows as T,
      };
      let result;
      try {
        result = await fn(tx);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      hooks.afterCommit?.(tx);
      return result;
    } finally {
      client.release();
    }
  },
});
