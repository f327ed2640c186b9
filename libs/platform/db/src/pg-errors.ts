import { DomainError } from '@govern/policy-core';

/** SQLSTATEs that mean "try the transaction again": serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

const sqlState = (error: unknown): string | undefined => {
  const seen = new Set<unknown>();
  let current: unknown = error;
  // Prisma wraps driver errors; walk the cause chain for the Postgres code.
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    for (const key of ['code', 'originalCode']) {
      const value = record[key];
      // Prisma's own codes (P2002, P2039...) look like SQLSTATEs; the one PostgreSQL class with a
      // letter P is P0 (PL/pgSQL).
      if (typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value) && !/^P[1-9]/.test(value)) return value;
    }
    const meta = record['meta'] as Record<string, unknown> | undefined;
    const driver = meta?.['driverAdapterError'] as Record<string, unknown> | undefined;
    const inner = (driver?.['cause'] as Record<string, unknown> | undefined) ?? undefined;
    if (inner && typeof inner['originalCode'] === 'string') return inner['originalCode'] as string;
    current = record['cause'] ?? driver;
  }
  return undefined;
};

export const isRetryableTransactionError = (error: unknown): boolean => {
  const code = sqlState(error);
  return code !== undefined && RETRYABLE.has(code);
};

/** Statement cancelled by statement_timeout (57014): the caller's deadline ran out. */
export const isStatementTimeout = (error: unknown): boolean => sqlState(error) === '57014';

/** A prepared statement whose table changed since it was prepared ("cached plan must not change result type"). */
export const isStalePreparedPlan = (error: unknown): boolean =>
  sqlState(error) === '0A000' && /cached plan must not change result type/.test(String((error as Error | null)?.message ?? ''));

/** A statement sent into a transaction that an earlier failure aborted (25P02). */
export const isAbortedTransaction = (error: unknown): boolean => sqlState(error) === '25P02';

export const isUniqueViolation = (error: unknown): boolean =>
  sqlState(error) === '23505' || (error as { code?: string } | null)?.code === 'P2002';

export const deadlineExceeded = (): DomainError =>
  new DomainError('DEADLINE_EXCEEDED', 'REQUEST.DEADLINE_EXCEEDED', 'the deadline passed before the work could be committed');
