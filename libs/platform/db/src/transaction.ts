import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '@govern/policy-core';
import { trackTransaction } from './after-commit';
import { deadlineExceeded, isRetryableTransactionError, isStatementTimeout, transactionConflict } from './pg-errors';

/** The part of a Prisma transaction client that platform code needs (raw SQL). */
export interface SqlTx {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export type IsolationLevel = 'ReadCommitted' | 'RepeatableRead' | 'Serializable';

/** Any generated Prisma client: each service has its own, this is what they share. */
export interface TransactionalClient<Tx extends SqlTx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: { maxWait?: number; timeout?: number; isolationLevel?: IsolationLevel }): Promise<R>;
}

export interface TransactionOptions {
  /** The caller's deadline: statements get a statement_timeout of the time left. */
  deadline?: Date | undefined;
  isolationLevel?: IsolationLevel;
  /** Attempts on serialization failures and deadlocks (default 3). */
  maxAttempts?: number;
  /** Upper bound of one transaction when there is no deadline (default 15 s). */
  timeoutMs?: number;
}

/**
 * Runs `work` in one database transaction that honours the caller's deadline: no
 * statement outlives it, and a deadline that passes mid-way rolls everything back
 * (no half-done work). Serialization failures and deadlocks are retried with jitter; a transaction
 * that conflicts on every attempt is ABORTED `TRANSACTION.CONFLICT` (`transactionConflict`).
 */
export const runInTransaction = async <Tx extends SqlTx, R>(
  client: TransactionalClient<Tx>,
  work: (tx: Tx) => Promise<R>,
  options: TransactionOptions = {},
): Promise<R> => {
  const maxAttempts = options.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const remaining = options.deadline ? options.deadline.getTime() - Date.now() : undefined;
    if (remaining !== undefined && remaining <= 0) throw deadlineExceeded();
    const budget = Math.max(1, Math.min(remaining ?? Number.POSITIVE_INFINITY, options.timeoutMs ?? 15_000));
    let tracked: ReturnType<typeof trackTransaction> | undefined;
    try {
      const result = await client.$transaction(
        async (tx) => {
          tracked = trackTransaction([tx]);
          // SET LOCAL ends with the transaction, so the pooled connection is not affected.
          await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${Math.ceil(budget)}`);
          return work(tx);
        },
        { timeout: budget, maxWait: Math.min(budget, 5_000), ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}) },
      );
      tracked?.committed();
      return result;
    } catch (error) {
      tracked?.dropped();
      // A rule the work itself refused stays what it is, whatever the clock says.
      if (error instanceof DomainError) throw error;
      // Only a caller's deadline becomes DEADLINE_EXCEEDED; the internal bound (consumers,
      // jobs) timing out is a server-side failure and surfaces as such.
      if (options.deadline && (isStatementTimeout(error) || options.deadline.getTime() <= Date.now())) throw deadlineExceeded();
      if (!isRetryableTransactionError(error)) throw error;
      if (attempt >= maxAttempts) throw transactionConflict(error);
      await sleep(5 * attempt + Math.random() * 20);
    }
  }
};
