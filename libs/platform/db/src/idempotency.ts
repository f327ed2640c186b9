import { hash } from 'node:crypto';
import { DomainError } from '@govern/policy-core';
import type pg from 'pg';
import { sql, type SqlStatement } from './sql';
import type { SqlTx } from './transaction';

/**
 * A stable fingerprint of a request's bytes: the same request_id must carry the same request.
 * Node's one-shot `hash` (the same SHA-256 hex) costs half of a `createHash` object per call.
 */
export const fingerprintOf = (requestBytes: Uint8Array): string => hash('sha256', requestBytes, 'hex');

export interface IdempotentCall {
  /** The RPC, e.g. `merchant_access.SubmitApplication`: request ids are unique per scope. */
  scope: string;
  requestId: string;
  fingerprint: string;
}

/**
 * Makes a mutation idempotent inside the caller's transaction. The first call with a
 * request_id runs `execute` and stores its encoded response; a repeat returns the stored
 * bytes without running anything. Concurrent duplicates serialise on the key's unique
 * index: the second waits for the first to commit, then reads its answer. If the first
 * rolls back, its key goes with it and the second runs for real.
 */
export const runIdempotent = async (
  tx: SqlTx,
  call: IdempotentCall,
  execute: () => Promise<Uint8Array>,
): Promise<{ response: Uint8Array; replayed: boolean }> => {
  const inserted = await tx.$executeRawUnsafe(
    `INSERT INTO idempotency_keys (scope, request_id, fingerprint) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    call.scope,
    call.requestId,
    call.fingerprint,
  );
  if (inserted === 0) {
    const rows = await tx.$queryRawUnsafe<{ fingerprint: string; response: Uint8Array | null }[]>(
      `SELECT fingerprint, response FROM idempotency_keys WHERE scope = $1 AND request_id = $2`,
      call.scope,
      call.requestId,
    );
    const row = rows[0];
    if (!row || row.response === null) {
      throw new DomainError('ABORTED', 'REQUEST_ID.IN_FLIGHT', 'a call with this request_id is still in progress; retry', { request_id: call.requestId });
    }
    if (row.fingerprint !== call.fingerprint) {
      throw new DomainError('FAILED_PRECONDITION', 'REQUEST_ID.REUSED', 'request_id was already used for a different request', {
        request_id: call.requestId,
      });
    }
    return { response: new Uint8Array(row.response), replayed: true };
  }
  const response = await execute();
  await tx.$executeRawUnsafe(
    `UPDATE idempotency_keys SET response = $3 WHERE scope = $1 AND request_id = $2`,
    call.scope,
    call.requestId,
    Buffer.from(response),
  );
  return { response, replayed: false };
};

/**
 * The unit of work's claim of a request_id: a row is returned when this call is the first with it.
 * Concurrent duplicates wait here on the key's unique index until the first commits (then get no
 * row) or rolls back (then claim it). The answer is written later with the unit's effects.
 */
export const claimRequestStatement = (call: IdempotentCall): SqlStatement =>
  sql`INSERT INTO idempotency_keys (scope, request_id, fingerprint) VALUES (${call.scope}, ${call.requestId}, ${call.fingerprint})
      ON CONFLICT DO NOTHING RETURNING true AS claimed`;

/**
 * The answer stored for a request_id (read outside any transaction, so it sees what committed last).
 * Refuses a different request under the same id (REQUEST_ID.REUSED). With `orUndefined`, a missing,
 * unanswered or different one is `undefined` instead (the caller has its own refusal to give).
 */
export async function readStoredAnswer(pool: Pick<pg.Pool, 'query'>, call: IdempotentCall): Promise<{ response: Uint8Array }>;
export async function readStoredAnswer(pool: Pick<pg.Pool, 'query'>, call: IdempotentCall, options: { orUndefined: true }): Promise<{ response: Uint8Array } | undefined>;
export async function readStoredAnswer(
  pool: Pick<pg.Pool, 'query'>,
  call: IdempotentCall,
  options: { orUndefined?: boolean } = {},
): Promise<{ response: Uint8Array } | undefined> {
  const { rows } = await pool.query<{ fingerprint: string; response: Buffer | null }>(
    `SELECT fingerprint, response FROM idempotency_keys WHERE scope = $1 AND request_id = $2`,
    [call.scope, call.requestId],
  );
  const row = rows[0];
  if (options.orUndefined) return row && row.response !== null && row.fingerprint === call.fingerprint ? { response: new Uint8Array(row.response) } : undefined;
  if (!row || row.response === null) {
    throw new DomainError('ABORTED', 'REQUEST_ID.IN_FLIGHT', 'a call with this request_id is still in progress; retry', { request_id: call.requestId });
  }
  if (row.fingerprint !== call.fingerprint) {
    throw new DomainError('FAILED_PRECONDITION', 'REQUEST_ID.REUSED', 'request_id was already used for a different request', { request_id: call.requestId });
  }
  return { response: new Uint8Array(row.response) };
}
