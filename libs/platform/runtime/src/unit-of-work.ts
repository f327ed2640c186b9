import { Actor, type EventMeta, type EventType } from '@govern/contracts-common';
import { serviceActor } from '@govern/platform-auth';
import { isSqlFragment, sameTransaction, sql, sqlEmpty, sqlPositional, sqlRaw, statementOf, type DbTransaction, type JobToSchedule, type Sql, type SqlStatement } from '@govern/platform-db';
import { toOutgoing, type EventMessage, type OutgoingEvent } from '@govern/platform-events';
import { traceContextForJob, traceContextForOutbox } from '@govern/platform-observability';
import type { Clock, IdGenerator } from '@govern/policy-core';
import { callerActor } from './audit';

/**
 * One unit of work: the transaction a mutation, a consumed event or a durable job runs in, the time
 * it runs at, what caused it, and what it causes besides rows — events (outbox rows with their
 * meta), durable jobs scheduled and cancelled, and for a mutation the stored answer. Use cases add
 * effects as they decide; `flush` writes them all in ONE statement (pipelined with COMMIT by the
 * runner), so a rolled-back unit leaves no event, no timer and no answer behind.
 *
 * A service extends it for its own effects (consumer-experience's debounced metric reports) by
 * overriding `beforeFlush`, and runs its use cases through `createUnitsOfWork` (units.ts).
 */
export interface Cause {
  /** The request_id, event id or job that caused this work: the causation id of its events. */
  causationId: string;
  /** The business flow it belongs to (the consumed event's correlation id); the causation id when absent. */
  correlationId?: string | undefined;
  /**
   * Who caused it: the incoming event's `meta.actor` for a consumer (see `causeOfEvent`), the
   * actor stored with a durable job (`actorOfJob`). When absent: the caller of the gRPC call the
   * unit runs in, else the service itself.
   */
  actor?: Actor | undefined;
}

export interface UnitOfWorkInit<Tx> {
  transaction: DbTransaction<Tx>;
  clock: Clock;
  ids: IdGenerator;
  cause: Cause;
  /** The service's short name: the actor of work nothing else caused (timers, sweeps). */
  service?: string | undefined;
}

/** The answer a mutation stores with its effects, returned to every retry of the same request. */
export interface StoredAnswer {
  scope: string;
  requestId: string;
  response: Uint8Array;
}

const jobKey = (kind: string, key: string): string => `${kind}\u0000${key}`;

export class UnitOfWork<Tx = unknown> {
  /** The time the unit runs at (one reading of the clock for every decision in it). */
  readonly now: Date;
  /** Plain SQL in the unit's transaction (see platform-db's `sql` tag). */
  readonly sql: Sql;
  /** The service's Prisma client in the unit's transaction, joined on first use. */
  readonly tx: Tx;
  readonly cause: Cause;
  /**
   * The actor that caused this unit, named by its events (`meta.actor`), its decision records and
   * the jobs it schedules: the cause's, else the caller of the gRPC call it runs in, else the
   * service itself (undefined only for a unit made without a service name outside any call).
   */
  readonly actor: Actor | undefined;
  protected readonly transaction: DbTransaction<Tx>;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private events: OutgoingEvent[] = [];
  private jobs = new Map<string, JobToSchedule>();
  private cancels = new Map<string, { kind: string; key: string }>();
  private withEffects: SqlStatement[] = [];
  private refusals: ((error: unknown) => Error | undefined)[] = [];
  private written = 0;

  constructor(init: UnitOfWorkInit<Tx>) {
    this.transaction = init.transaction;
    this.sql = init.transaction.sql;
    this.tx = init.transaction.tx;
    this.clock = init.clock;
    this.ids = init.ids;
    this.cause = init.cause;
    this.now = init.clock.now();
    this.actor = init.cause.actor ?? callerActor() ?? (init.service ? serviceActor(init.service) : undefined);
    sameTransaction(this.withEffectsSql, this.sql);
  }

  /** A new id (resources, ledger transactions): from the injected generator, so tests can fix it. */
  newId(): string {
    return this.ids.next();
  }

  /** Envelope metadata for one new event caused by this unit, with the unit's actor. */
  meta(): EventMeta {
    const actor = this.actor;
    return {
      eventId: this.ids.next(),
      occurredAt: this.now,
      causationId: this.cause.causationId,
      correlationId: this.cause.correlationId || this.cause.causationId,
      ...(actor ? { actor } : {}),
    };
  }

  /** Publishes an event if and only if the unit commits; returns it as written (with its meta). */
  emit<T extends EventMessage>(type: EventType<T>, body: Omit<T, 'meta'>): T {
    const message = { ...body, meta: this.meta() } as T;
    this.events.push(toOutgoing(type, message));
    return message;
  }

  /** A durable job; keys are single-use per kind: scheduling an existing (kind, key) keeps the first. */
  schedule(job: JobToSchedule): void {
    const id = jobKey(job.kind, job.key);
    if (!this.jobs.has(id)) this.jobs.set(id, job);
  }

  /** Cancels a pending job (one scheduled earlier in this unit too). */
  cancel(kind: string, key: string): void {
    const id = jobKey(kind, key);
    this.jobs.delete(id);
    this.cancels.set(id, { kind, key });
  }

  /**
   * A write sent inside the unit's effects statement (one of its data-modifying CTEs) when the unit
   * flushes, instead of as a statement of its own: every statement costs the service a query's
   * worth of work in node-postgres (messages written, answers parsed, a callback), and the unit's
   * effects go out anyway. Like `sendRefusing`, a failure fails the unit with what `refusal` makes
   * of it (with the error itself without one).
   *
   * Only for a write that nothing else in the unit depends on: it is written at flush, after every
   * statement sent before it, and the sub-statements of one statement share one snapshot, so no
   * statement of the unit sees its row (no read, no foreign key of a later write, no UPDATE of it).
   * An order's intake row or a mutation's audit record qualify; a row the unit reads back does not.
   */
  sendWithEffects(statement: SqlStatement, refusal?: (error: unknown) => Error | undefined): void {
    // Nested as a fragment: a `sql` tag statement as it is, any other (`$n` text and values) rebuilt as one.
    this.withEffects.push(isSqlFragment(statement) ? statement : sqlPositional(statement.text, statement.values));
    if (refusal) this.refusals.push(refusal);
  }

  /**
   * `sendWithEffects` as an `Sql` for adapters that write through `send`/`sendRefusing` (and
   * `pipelinedWrites` over it); it refuses reads and awaited writes, which cannot wait for the
   * effects. It names the unit's transaction for `afterCommit`.
   */
  readonly withEffectsSql: Sql = {
    send: (statement, values) => this.sendWithEffects(statementOf(statement, values)),
    sendRefusing: (statement, refusal) => this.sendWithEffects(statementOf(statement), refusal),
    query: () => Promise.reject(new Error('a read cannot go with the effects: read through the unit’s sql')),
    execute: () => Promise.reject(new Error('an awaited write cannot go with the effects: write through the unit’s sql')),
  };

  /**
   * Waits for every statement sent so far and throws the first failure: for a use case that maps a
   * failure of a write it sent (a unique violation into a domain error) before going on.
   */
  settle(): Promise<void> {
    return this.transaction.settle();
  }

  /** Events written by this unit so far (flushed or not). */
  get eventCount(): number {
    return this.written + this.events.length;
  }

  /** Service extensions add their own effects here, just before they are written. */
  protected beforeFlush(): void {
    // The platform's unit has no effects of its own to add.
  }

  /**
   * Sends every effect gathered so far in one statement (and the mutation's answer with them). It is
   * not awaited: the transaction sends COMMIT behind it and fails if it failed.
   */
  flush(answer?: StoredAnswer): void {
    this.beforeFlush();
    const events = this.events;
    // Sorted: transactions scheduling overlapping keys take the key locks in the same order.
    const jobs = [...this.jobs.values()].sort((a, b) => (a.kind === b.kind ? (a.key < b.key ? -1 : 1) : a.kind < b.kind ? -1 : 1));
    const cancels = [...this.cancels.values()];
    const writes = this.withEffects;
    const refusals = this.refusals;
    this.written += events.length;
    this.events = [];
    this.jobs = new Map();
    this.cancels = new Map();
    this.withEffects = [];
    this.refusals = [];
    const statements = effectsStatements(events, cancels, jobs, answer, this.actor, writes);
    // The writes joined to the effects are in the last statement: it refuses as they would have.
    const last = statements.length - 1;
    statements.forEach((statement, i) => {
      if (i === last && refusals.length > 0) this.sql.sendRefusing(statement, refusalOf(refusals));
      else this.sql.send(statement);
    });
  }
}

/** The first refusal that recognises the error; undefined (the error itself) when none does. */
const refusalOf =
  (refusals: readonly ((error: unknown) => Error | undefined)[]) =>
  (error: unknown): Error | undefined => {
    for (const refusal of refusals) {
      const refused = refusal(error);
      if (refused) return refused;
    }
    return undefined;
  };

/**
 * The effects as data-modifying CTEs of one statement: outbox rows, cancelled and new jobs, the
 * stored answer, and the writes sent with them (`sendWithEffects`). A job both cancelled and
 * scheduled here (a clock restarted) is cancelled in a statement of its own first: sub-statements of
 * one WITH see the same snapshot, so a DELETE and an INSERT of the same key must not share one.
 */
export const effectsStatements = (
  events: readonly OutgoingEvent[],
  cancels: readonly { kind: string; key: string }[],
  jobs: readonly JobToSchedule[],
  answer?: StoredAnswer,
  /** Who caused the jobs: stored with them (`caused_by`), so the work they do later names it. */
  causedBy?: Actor,
  /** Writes that go out inside the same statement (see `UnitOfWork.sendWithEffects`). */
  writes: readonly SqlStatement[] = [],
): SqlStatement[] => {
  const scheduled = new Set(jobs.map((j) => jobKey(j.kind, j.key)));
  const separateCancels = cancels.some((c) => scheduled.has(jobKey(c.kind, c.key)));
  const parts: SqlStatement[] = [];
  if (events.length > 0) {
    // The trace context current at commit (the call's or consumed event's span): the relay
    // sends it as NATS headers, so the consumers of these events continue this trace.
    const traceContext = traceContextForOutbox(events[0] ? { occurredAt: events[0].occurredAt } : {});
    parts.push(sql`outbox AS (
      INSERT INTO outbox_events (event_id, subject, event_type, payload, occurred_at, trace_context)
      SELECT e.event_id, e.subject, e.event_type, decode(e.payload, 'base64'), e.occurred_at, ${traceContext}::text
        FROM unnest(${events.map((e) => e.eventId)}::text[], ${events.map((e) => e.subject)}::text[], ${events.map((e) => e.eventType)}::text[],
                    ${events.map((e) => Buffer.from(e.payload).toString('base64'))}::text[], ${events.map((e) => e.occurredAt)}::timestamptz[])
             WITH ORDINALITY AS e(event_id, subject, event_type, payload, occurred_at, n)
       ORDER BY e.n)`);
  }
  const cancelStatement =
    cancels.length > 0
      ? sql`DELETE FROM scheduled_jobs j USING unnest(${cancels.map((c) => c.kind)}::text[], ${cancels.map((c) => c.key)}::text[]) AS c(kind, key)
             WHERE j.kind = c.kind AND j.key = c.key AND j.completed_at IS NULL`
      : undefined;
  if (cancelStatement && !separateCancels) parts.push(sql`cancelled AS (${cancelStatement})`);
  if (jobs.length > 0) {
    // What scheduled the jobs: each job's span links to it (or continues it, for continuation chunks).
    const traceContext = traceContextForJob();
    const causedByJson = causedBy ? JSON.stringify(Actor.toJSON(causedBy)) : null;
    parts.push(sql`scheduled AS (
      INSERT INTO scheduled_jobs (kind, key, due_at, payload, trace_context, caused_by)
      SELECT s.kind, s.key, s.due_at, s.payload::jsonb, ${traceContext}::text, s.caused_by::jsonb
        FROM unnest(${jobs.map((j) => j.kind)}::text[], ${jobs.map((j) => j.key)}::text[], ${jobs.map((j) => j.dueAt)}::timestamptz[],
                    ${jobs.map((j) => JSON.stringify(j.payload ?? {}))}::text[], ${jobs.map((j) => (j.asService ? null : causedByJson))}::text[])
             WITH ORDINALITY AS s(kind, key, due_at, payload, caused_by, n)
       ORDER BY s.n
      ON CONFLICT (kind, key) DO NOTHING)`);
  }
  if (answer) {
    parts.push(sql`answered AS (
      UPDATE idempotency_keys SET response = ${Buffer.from(answer.response.buffer, answer.response.byteOffset, answer.response.byteLength)}::bytea
       WHERE scope = ${answer.scope} AND request_id = ${answer.requestId})`);
  }
  writes.forEach((write, i) => parts.push(sql`${sqlRaw(`write_${i}`)} AS (${write})`));
  const statements: SqlStatement[] = [];
  if (cancelStatement && separateCancels) statements.push(cancelStatement);
  if (parts.length > 0) {
    const ctes = parts.reduce((all, part, i) => (i === 0 ? sql`${part}` : sql`${all}, ${part}`), sqlEmpty);
    statements.push(sql`WITH ${ctes} SELECT 1`);
  }
  return statements;
};
