import type { EventMeta } from '@govern/contracts-common';
import { fingerprintOf, runIdempotent, runInTransaction, type IsolationLevel, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import { Violations, type Clock, type IdGenerator } from '@govern/policy-core';

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

export interface MutationOptions<Req, Res> {
  /** Unique per RPC: `merchant_access.SubmitApplication`. */
  scope: string;
  request: Req & { requestId: string };
  requestCodec: Pick<Codec<Req & { requestId: string }>, 'encode'>;
  responseCodec: Codec<Res>;
  deadline?: Date | undefined;
  isolationLevel?: IsolationLevel;
}

/**
 * The one way a service runs a mutation: in one transaction that honours the caller's
 * deadline, keyed by the request's `request_id`. The state change, the outbox rows it
 * appends and the stored answer commit together; a repeat (sequential or concurrent)
 * gets the first answer back and changes nothing; a request_id reused for a different
 * request is refused.
 */
export const runMutation = async <Tx extends SqlTx, Req, Res>(
  db: TransactionalClient<Tx>,
  options: MutationOptions<Req, Res>,
  work: (tx: Tx) => Promise<Res>,
): Promise<Res> => {
  const violations = new Violations();
  violations.require('request_id', options.request.requestId);
  violations.maxLength('request_id', options.request.requestId, 128);
  violations.throwIfAny();
  const fingerprint = fingerprintOf(options.requestCodec.encode(options.request).finish());
  const { response } = await runInTransaction(
    db,
    (tx) =>
      runIdempotent(tx, { scope: options.scope, requestId: options.request.requestId, fingerprint }, async () =>
        options.responseCodec.encode(await work(tx)).finish(),
      ),
    { deadline: options.deadline, ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}) },
  );
  return options.responseCodec.decode(response);
};

/** Envelope metadata for a new event, caused by a request or by another event. */
export const newEventMeta = (deps: { clock: Clock; ids: IdGenerator }, cause: { causationId: string; correlationId?: string }): EventMeta => ({
  eventId: deps.ids.next(),
  occurredAt: deps.clock.now(),
  causationId: cause.causationId,
  correlationId: cause.correlationId ?? cause.causationId,
});
