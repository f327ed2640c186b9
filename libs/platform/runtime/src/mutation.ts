import type { Actor, EventMeta } from '@govern/contracts-common';
import { auditRecordInsert } from '@govern/platform-auth';
import { fingerprintOf, runIdempotent, runInTransaction, type IsolationLevel, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import { Violations, type Clock, type IdGenerator } from '@govern/policy-core';
import { auditRecordOfCurrentCall, callerActor } from './audit';

/** A protobuf message codec (ts-proto's generated one). */
export interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
  /** ts-proto's JSON form (enums by name), read for the audit record's decision. */
  toJSON?(message: T): unknown;
}

export interface MutationOptions<Req, Res> {
  /** Unique per RPC: `merchant_access.SubmitApplication`. */
  scope: string;
  request: Req & { requestId: string };
  requestCodec: Pick<Codec<Req & { requestId: string }>, 'encode'>;
  responseCodec: Codec<Res>;
  deadline?: Date | undefined;
  isolationLevel?: IsolationLevel;
  /** The service's clock, for the audit record's time (the system clock when not given). */
  clock?: Clock;
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
      runIdempotent(tx, { scope: options.scope, requestId: options.request.requestId, fingerprint }, async () => {
        const response = await work(tx);
        // Who did it, in the same transaction; runIdempotent runs this on the first call only.
        const audit = auditRecordOfCurrentCall(options.clock?.now() ?? new Date(), options.request, response, options.responseCodec);
        if (audit) {
          const insert = auditRecordInsert(audit);
          await tx.$executeRawUnsafe(insert.sql, ...insert.params);
        }
        return options.responseCodec.encode(response).finish();
      }),
    { deadline: options.deadline, ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}) },
  );
  return options.responseCodec.decode(response);
};

/**
 * Envelope metadata for a new event, caused by a request or by another event. The actor is the
 * cause's (a consumer passes the incoming event's `meta.actor`), else the caller of the gRPC
 * call this runs in.
 */
export const newEventMeta = (deps: { clock: Clock; ids: IdGenerator }, cause: { causationId: string; correlationId?: string; actor?: Actor | undefined }): EventMeta => {
  const actor = cause.actor ?? callerActor();
  return {
    eventId: deps.ids.next(),
    occurredAt: deps.clock.now(),
    causationId: cause.causationId,
    correlationId: cause.correlationId ?? cause.causationId,
    ...(actor ? { actor } : {}),
  };
};
