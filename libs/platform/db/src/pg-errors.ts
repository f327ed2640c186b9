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

/** A NOT NULL column refused a row (23502): of `table`.`column` (as PostgreSQL names them) when given. */
export const isNotNullViolation = (error: unknown, table?: string, column?: string): boolean => {
  if (sqlState(error) !== '23502') return false;
  const detail = error as { table?: string; column?: string };
  return (table === undefined || detail.table === table) && (column === undefined || detail.column === column);
};

/** How long a caller is told to wait before sending a call whose transaction kept conflicting (RetryInfo). */
const CONFLICT_RETRY_AFTER_MS = 50;

/**
 * A transaction that conflicted with concurrent ones on every attempt (serialization failure or
 * deadlock each time, see `isRetryableTransactionError`): rolled back, nothing of it kept. It is
 * ABORTED, gRPC's code for a concurrency conflict the caller may retry (a mutation's request_id
 * makes the retry safe), with RetryInfo; not INTERNAL, which says the service has a bug. Consumers
 * and jobs retry it like any other failure. PostgreSQL's own error stays as the `cause`.
 */
export const transactionConflict = (cause: unknown): DomainError => {
  const conflict = new DomainError('ABORTED', 'TRANSACTION.CONFLICT', 'the call conflicted with concurrent calls on the same data and was rolled back; retry', {}, CONFLICT_RETRY_AFTER_MS);
  conflict.cause = cause;
  return conflict;
};

export const deadlineExceeded = (): DomainError =>
  new DomainError('DEADLINE_EXCEEDED', 'REQUEST.DEADLINE_EXCEEDED', 'the deadline passed before the work could be committed');

/** SQLSTATEs of a database that cannot serve now: connection exceptions (08), shutdown or start-up (57P01-57P03), too many connections. */
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
/** Socket errors reaching the server. */
const UNAVAILABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** Prisma's codes for an unreachable server, a closed connection, a pool timeout. */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** adapter-pg's kinds for the same. */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** What pg says when a connection dies under a query or cannot be made (no code attached); Prisma when no pooled connection freed up in time. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Unable to start a transaction in the given time/i;

/**
 * True when the error says the database could not serve the call (down, restarting, unreachable,
 * out of connections) rather than that the call was wrong: the caller may retry, and the service
 * answers UNAVAILABLE instead of INTERNAL.
 */
export const isDatabaseUnavailable = (error: unknown): boolean => {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const record = current as Record<string, unknown>;
    for (const key of ['code', 'originalCode']) {
      const code = record[key];
      if (typeof code !== 'string') continue;
      if (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_PRISMA_CODES.has(code)) return true;
    }
    if (typeof record['kind'] === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(record['kind'])) return true;
    if (typeof record['message'] === 'string' && UNAVAILABLE_MESSAGES.test(record['message'])) return true;
    const meta = record['meta'] as Record<string, unknown> | undefined;
    pending.push(record['cause'], meta?.['driverAdapterError'], (meta?.['driverAdapterError'] as Record<string, unknown> | undefined)?.['cause']);
  }
  return false;
};
