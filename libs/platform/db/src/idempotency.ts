import { createHash } from 'node:crypto';
import { DomainError } from '@govern/policy-core';
import type { SqlTx } from './transaction';

/** A stable fingerprint of a request's bytes: the same request_id must carry the same request. */
export const fingerprintOf = (requestBytes: Uint8Array): string => createHash('sha256').update(requestBytes).digest('hex');

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
