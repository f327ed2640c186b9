import type pg from 'pg';
import {
  afterCommit,
  claimRequestStatement,
  fingerprintOf,
  readStoredAnswer,
  runTransaction,
  sqlOverPrisma,
  sqlPositional,
  type DbTransaction,
  type IdempotentCall,
  type SqlTx,
  type TransactionalClient,
  type TransactionOptions,
} from '@govern/platform-db';
import { DomainError, Violations, type Clock, type IdGenerator } from '@govern/policy-core';
import { auditRecordInsert } from '@govern/platform-auth';
import { auditRecordOfCurrentCall, callerActor } from './audit';
import type { Codec, MutationOptions } from './mutation';
import { UnitOfWork, type Cause, type UnitOfWorkInit } from './unit-of-work';

/** A mutation's options as `runMutation` takes them (the units bring the clock), and its checks. */
export interface UnitMutationOptions<Req, Res, Checked> extends Omit<MutationOptions<Req, Res>, 'clock'> {
  /**
   * The request's checks, run before the transaction; what they return is handed to the work. Checks
   * that depend on the time (a paid_at not in the future, a deadline not passed) or on policy may
   * pass on the first call and fail on its retry: when they refuse, the answer stored for this very
   * request (same request_id, same bytes) is returned instead, so a retry always gets what the first
   * call got. The stored answer is looked up only then: the usual call pays nothing for it.
   */
  check?: () => Checked;
}

export interface UnitsOfWork<Tx extends SqlTx, W extends UnitOfWork<Tx>> {
  /**
   * A mutation keyed by its request_id, in one transaction: the idempotency claim (pipelined with
   * BEGIN and the work's first statement), the work, its effects and the stored answer (one
   * statement, pipelined with COMMIT). The same request again (sequential or concurrent) gets the
   * first answer and changes nothing; a request_id reused for another request is refused
   * (REQUEST_ID.REUSED); the caller's deadline bounds it; domain errors pass unchanged.
   */
  mutation<Req, Res, Checked = undefined>(options: UnitMutationOptions<Req, Res, Checked>, work: (unit: W, checked: Checked) => Promise<Res>): Promise<Res>;
  /** Work caused by something else than a request (a timer, an operator tool), in its own transaction. */
  run<R>(cause: Cause, work: (unit: W) => Promise<R>, options?: TransactionOptions): Promise<R>;
  /**
   * Work inside a transaction another part owns — a durable job's (`DbTransaction`) or a consumer
   * handler's (a Prisma transaction client) — whose owner commits. The effects are sent before this
   * returns; a failed one fails the owner's commit (a Prisma-owned transaction: this call).
   */
  within<R>(transaction: DbTransaction<Tx> | Tx, cause: Cause, work: (unit: W) => Promise<R>): Promise<R>;
}

export interface UnitsOfWorkOptions<Tx extends SqlTx, W extends UnitOfWork<Tx>> {
  /** The service's database: its pool (transactions) and Prisma client (joined by use cases that want it). */
  database: { pool: pg.Pool; client?: TransactionalClient<Tx> };
  clock: Clock;
  ids: IdGenerator;
  /** Builds the service's unit (a subclass with its own effects); the platform's `UnitOfWork` by default. */
  create?: (init: UnitOfWorkInit<Tx>) => W;
  /** After a unit that wrote events committed: wakes the outbox relay (`eventsWritten`). */
  eventsCommitted?: () => void;
  /** The service's short name (`merchant-access`): the actor of units nothing else caused (timers, sweeps). */
  service?: string;
}

/** Thrown inside the transaction when the claim found the request_id taken: rolled back, then answered. */
class Replay extends Error {}

const isDbTransaction = <Tx>(value: unknown): value is DbTransaction<Tx> =>
  typeof value === 'object' && value !== null && 'sql' in value && 'settle' in value && 'deadline' in value;

export const createUnitsOfWork = <Tx extends SqlTx, W extends UnitOfWork<Tx> = UnitOfWork<Tx>>(options: UnitsOfWorkOptions<Tx, W>): UnitsOfWork<Tx, W> => {
  const { database, clock, ids, service } = options;
  const create = options.create ?? ((init: UnitOfWorkInit<Tx>) => new UnitOfWork<Tx>(init) as W);
  const committed = (events: number): void => {
    if (events > 0) options.eventsCommitted?.();
  };

  const answerOf = async <Res>(call: IdempotentCall, codec: Codec<Res>): Promise<Res> => {
    const stored = await readStoredAnswer(database.pool, call);
    return codec.decode(stored.response);
  };

  return {
    async mutation(mutation, work) {
      const { requestId } = mutation.request;
      const v = new Violations();
      v.require('request_id', requestId);
      v.maxLength('request_id', requestId, 128);
      v.check(!requestId.includes('\u0000'), 'request_id', 'must not contain NUL characters', 'INVALID_CHARACTERS');
      const call: IdempotentCall = { scope: mutation.scope, requestId, fingerprint: fingerprintOf(mutation.requestCodec.encode(mutation.request).finish()) };
      let checked: Parameters<typeof work>[1];
      try {
        // The caller's checks first: they report every bad field at once, request_id among them.
        checked = (mutation.check ? mutation.check() : undefined) as Parameters<typeof work>[1];
      } catch (refusal) {
        if (!(refusal instanceof DomainError) || v.any) throw refusal;
        const stored = await readStoredAnswer(database.pool, call, { orUndefined: true });
        if (stored) return mutation.responseCodec.decode(stored.response);
        throw refusal;
      }
      v.throwIfAny();
      try {
        const { response, events } = await runTransaction(
          database,
          async (t) => {
            // Sent behind BEGIN without waiting: the work's first statement goes out in the same write.
            const claim = t.sql.query<{ claimed: boolean }>(claimRequestStatement(call));
            const unit = create({ transaction: t, clock, ids, service, cause: { causationId: call.requestId, actor: callerActor() } });
            let result: Awaited<ReturnType<typeof work>>;
            try {
              result = await work(unit, checked);
            } catch (error) {
              // A retry whose work now fails (the order it recorded exists) still gets the first answer.
              if ((await claim.catch(() => [{ claimed: true }])).length === 0) throw new Replay();
              throw error;
            }
            if ((await claim).length === 0) throw new Replay();
            // Who did it, in the same transaction: first run only (a replay threw above).
            const audit = auditRecordOfCurrentCall(unit.now, mutation.request, result, mutation.responseCodec);
            if (audit) {
              // Nothing in the unit reads it back: it goes out inside the effects statement, not as one of its own.
              const insert = auditRecordInsert(audit);
              unit.sendWithEffects(sqlPositional(insert.sql, insert.params));
            }
            const response = mutation.responseCodec.encode(result).finish();
            unit.flush({ scope: call.scope, requestId: call.requestId, response });
            return { response: result, events: unit.eventCount };
          },
          // A mutation finds its rows by key (a sweep pages by key): its statements keep their generic plans (see `genericPlans`).
          { deadline: mutation.deadline, genericPlans: true, ...(mutation.isolationLevel ? { isolationLevel: mutation.isolationLevel } : {}) },
        );
        committed(events);
        // What was stored is this answer's encoding: a retry decodes the same message.
        return response;
      } catch (error) {
        if (error instanceof Replay) return answerOf(call, mutation.responseCodec);
        throw error;
      }
    },

    async run(cause, work, transactionOptions = {}) {
      const { result, events } = await runTransaction(
        database,
        async (t) => {
          const unit = create({ transaction: t, clock, ids, service, cause });
          const value = await work(unit);
          unit.flush();
          return { result: value, events: unit.eventCount };
        },
        transactionOptions,
      );
      committed(events);
      return result;
    },

    async within(transaction, cause, work) {
      const owned = isDbTransaction<Tx>(transaction);
      const t = asDbTransaction(transaction);
      const unit = create({ transaction: t, clock, ids, service, cause });
      const result = await work(unit);
      unit.flush();
      // The owner commits, not this unit: the relay is woken then, as after a mutation's commit,
      // instead of the events waiting for its next poll (a consumer's cascade otherwise lost up to
      // a poll interval per hop). Dropped with an attempt that rolls back.
      const events = unit.eventCount;
      if (events > 0 && !afterCommit(t, () => committed(events))) afterCommit(t.tx as object, () => committed(events));
      // A platform transaction's COMMIT waits for the effects anyway (and fails if they failed); a
      // Prisma-owned one commits when its callback returns, so the effects must be in before.
      if (!owned) await t.settle();
      return result;
    },
  };
};

/**
 * A transaction someone else owns as a DbTransaction: a job's is one already; a consumer handler's
 * (Prisma-owned) runs its plain SQL through Prisma, one statement at a time.
 */
export const asDbTransaction = <Tx extends SqlTx>(transaction: DbTransaction<Tx> | Tx): DbTransaction<Tx> => {
  if (isDbTransaction<Tx>(transaction)) return transaction;
  const sql = sqlOverPrisma(transaction);
  // The owner bounds it (Prisma's transaction timeout); the latest date a Date can hold.
  return { sql, tx: transaction, deadline: new Date(8_640_000_000_000_000), settle: () => sql.settle() };
};
