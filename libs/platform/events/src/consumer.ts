import { SERVICE_NAMES, servicePackage, streamOf, type EventType } from '@govern/contracts-common';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkEventOrigin } from '@govern/platform-auth';
import {
  isDatabaseUnavailable,
  runInTransaction,
  runTransaction,
  sqlOverPrisma,
  type DbTransaction,
  type Sql,
  type SqlTx,
  type TransactionalClient,
} from '@govern/platform-db';
import type pg from 'pg';
import type { Logger } from 'pino';
import { consumerObservationOf, createConsumerObserver, type ConsumerObservation, type Handled } from './consumer-observation';
import { DEFAULT_MAX_BATCH } from './delivery';
import { PoisonMessageError, type ConsumerHandle, type EventBus, type IncomingMessage } from './event-bus';

/**
 * A service's durable consumer of events: each message is decoded by its
 * `Govern-Event-Type` header and keyed by the event's own id (`meta.event_id`, not the
 * transport's message id: a replay or a bridge re-publishing an event under new message
 * ids still finds it). The id is recorded in `inbox_events` in the same transaction as the
 * handler's effect, so a redelivered or re-published event is acknowledged without a
 * second effect. Effects that must happen once per real-world fact (a lab result, a
 * listing) also claim that fact's key with `ctx.claimOnce`, which holds across events.
 *
 * Messages that arrive together are handled in one transaction (one inbox insert for the
 * batch, each handler in stream order); if any handler fails, the batch is rolled back and
 * each event is retried in its own transaction, so one failing event cannot hold back or
 * undo the others.
 *
 * Given the service's `database` (its pool and Prisma client), that transaction is the platform's
 * (`runTransaction`, issue 13): BEGIN and the inbox insert leave in one write, handlers' plain SQL
 * (`ctx.sql`, `ctx.claimOnce`) is pipelined, and Prisma (`ctx.tx`) joins only when a handler uses
 * it. Measured with event-pipeline.bench.ts, a Prisma-owned transaction sends every statement as
 * its own round trip, which made the consumer, not the bus, the bound of the pipeline.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEventType = EventType<any>;

type MessageOf<Type> = Type extends EventType<infer T> ? T : never;

/** The union of the messages the given event types decode to. */
export type EventOf<Types extends readonly AnyEventType[]> = MessageOf<Types[number]>;

export interface EventContext<Tx extends SqlTx, Prefetched = undefined> {
  /** The transaction the inbox row is written in, as the service's Prisma client: do the effect with it. */
  tx: Tx;
  /**
   * The same transaction as the platform's unit of work takes it (`units.within(ctx.transaction, …)`):
   * plain SQL pipelined when the consumer was given `database`, one statement at a time otherwise.
   */
  transaction: DbTransaction<Tx>;
  /** Plain SQL in this transaction (`ctx.transaction.sql`). */
  sql: Sql;
  /** The event's own id (`meta.event_id`). */
  eventId: string;
  /**
   * Claims `fact` (e.g. `inspection-result:<result_id>`) for this consumer, in this
   * transaction: true the first time, false when an earlier event already claimed it. Use
   * it where a producer may announce one real-world fact in more than one event.
   */
  claimOnce(fact: string): Promise<boolean>;
  /**
   * "Newest wins" for `key` (e.g. `store-score:<merchant_id>`) where the service's tables keep
   * no version: records `version` and returns true when it is later than the one applied
   * last, false when it is older or the same (apply nothing). In this transaction.
   */
  supersedes(key: string, version: Date): Promise<boolean>;
  subject: string;
  /** Fully-qualified protobuf type; compare with `isEvent`. */
  typeName: string;
  deliveryCount: number;
  headers: Record<string, string>;
  log: Logger;
  /** What the consumer's `prefetch` read for this event's batch (undefined without one). */
  prefetched: Prefetched;
  /** True when the consumer's `batchWrites` sent this event's writes for its whole batch: the handler leaves them out. */
  batchWritten: boolean;
}

/** One event of a batch as `prefetch` sees it (every decoded event of the batch, in stream order). */
export interface BatchEvent<Event> {
  event: Event;
  eventId: string;
  typeName: string;
}

/** A service's database as its consumers take it: the pool for the platform's transaction, and its Prisma client. */
export interface ConsumerDatabase<Client> {
  pool: pg.Pool;
  client: Client;
}

export interface StartConsumerOptions<Tx extends SqlTx, Types extends readonly AnyEventType[], Prefetched = undefined> {
  bus: EventBus;
  /** The service's Prisma client: each batch in a Prisma-owned transaction (one round trip per statement). */
  db?: TransactionalClient<Tx>;
  /**
   * The service's database (pool and Prisma client): each batch in a platform transaction
   * (pipelined plain SQL, Prisma joined on first use). Preferred over `db` when both are given.
   */
  database?: { pool: pg.Pool; client?: TransactionalClient<Tx> };
  /** Durable name and inbox key, `<service>_<purpose>`. */
  consumer: string;
  /**
   * Logical stream name (`streamOf('content').name`); by default the stream of the service that
   * publishes `eventTypes` (their subjects' `govern.<service>.` prefix), which must be one service.
   */
  stream?: string;
  /** Events this consumer handles; their subjects are what it subscribes to unless `subjects` is given. */
  eventTypes: Types;
  subjects?: string[];
  /** Throw to retry with backoff; throw `PoisonMessageError` for an event that can never succeed. */
  handler(event: EventOf<Types>, ctx: EventContext<Tx, Prefetched>): Promise<void>;
  /**
   * The real-world fact an event stands for where one effect per fact is wanted (`ban:<ban_id>`),
   * or undefined. The facts of a batch are claimed in the statement that records its events in the
   * inbox (the first event of the batch to name a fact claims it), and an event whose fact is
   * already claimed is acknowledged without running the handler: what `ctx.claimOnce` returning
   * false lets a handler do, without its round trip per event (issue 13: a merchant's removal
   * sends a burst of bans, each claiming its ban).
   */
  factOf?(event: EventOf<Types>, meta: { typeName: string; eventId: string }): string | undefined;
  /**
   * Reads once per batch what its handlers would each read (one statement for all, rather than one
   * round trip per event); sent right behind the batch's inbox statement, in the same write. Only
   * reads: handlers get the result as `ctx.prefetched`, and each decides whether it still holds
   * after what the handlers before it in the batch changed (else reads again).
   */
  prefetch?(events: readonly BatchEvent<EventOf<Types>>[], sql: Sql): Promise<Prefetched>;
  /**
   * Sends once for the batch (one multi-row statement per table rather than one per event) writes
   * its handlers would each send, and returns the ids of the events it wrote for: their handlers
   * see `ctx.batchWritten` and leave those writes out. Given only the events whose handlers will
   * run (new to the inbox, their fact not claimed before), in stream order, once the inbox statement
   * has answered and before the first handler runs; so it must write only what no handler before
   * an event's own in the batch could change (e.g. rows of a product no other event of the batch
   * names). Sent, not awaited: a failing write fails the batch, whose events are then tried one
   * by one, each with a batch of its own, so only the event whose write fails keeps failing.
   */
  batchWrites?(events: readonly BatchEvent<EventOf<Types>>[], sql: Sql, prefetched: Prefetched): ReadonlySet<string>;
  log: Logger;
  /** Tries before dead-lettering; default 5. */
  maxDeliver?: number;
  /** Default 1 s, 5 s, 30 s, 2 min. */
  backoffMs?: number[];
  ackWaitMs?: number;
  /** Bound of one handler transaction; default 15 s. */
  transactionTimeoutMs?: number;
  /** Most events handled in one transaction; default 64. 1 handles each alone (a handler whose one event fills a transaction). */
  maxBatch?: number;
  /**
   * While the database is unreachable, the batch in hand waits for it (retried with backoff,
   * its messages kept from redelivery) up to this long before it counts as a failed try; so a
   * database restart sends nothing to the dead-letter stream. Default 60 s.
   */
  databaseWaitMs?: number;
  /** Spans and delivery metrics; by default those the runtime put on `bus` (observeConsumersOn). */
  telemetry?: ConsumerObservation['telemetry'];
  metrics?: ConsumerObservation['metrics'];
}

/** The stream of the one service whose subjects (`govern.<service>.…`) `eventTypes` are published on. */
export const producerStreamOf = (eventTypes: readonly AnyEventType[]): string => {
  const producers = new Set(eventTypes.map((type) => type.subject.split('.')[1]));
  const service = SERVICE_NAMES.map(servicePackage).find((name) => producers.size === 1 && producers.has(name));
  if (!service) throw new Error(`event types of one producer's stream expected, got subjects of: ${[...producers].join(', ') || 'none'}`);
  return streamOf(service).name;
};

export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_BACKOFF_MS = [1_000, 5_000, 30_000, 120_000];

/** Narrows a consumer's event by its type: `if (isEvent(MerchantRemovedEvent, event, ctx)) ...`. */
export const isEvent = <T>(eventType: EventType<T>, event: unknown, ctx: { typeName: string }): event is T =>
  ctx.typeName === eventType.typeName;

interface Decoded<Event> {
  index: number;
  message: IncomingMessage;
  event: Event;
  eventId: string;
}

/** The facts a batch's events name (`factOf`), in stream order. */
interface BatchFacts {
  eventIds: string[];
  facts: string[];
  factOf: Map<string, string>;
}

/** A Prisma-owned transaction as a DbTransaction: its plain SQL runs through Prisma, one statement at a time. */
const overPrisma = <Tx extends SqlTx>(tx: Tx): DbTransaction<Tx> => {
  const sql = sqlOverPrisma(tx);
  // Prisma's transaction timeout bounds it; the latest date a Date can hold.
  return { sql, tx, deadline: new Date(8_640_000_000_000_000), settle: () => sql.settle() };
};

/** The consumer's own statements (fixed texts: prepared once per connection on the platform's transaction). */
const INBOX_INSERT = `INSERT INTO inbox_events (consumer, event_id, subject)
  SELECT $1, e.event_id, e.subject FROM unnest($2::text[], $3::text[]) AS e(event_id, subject)
  ON CONFLICT DO NOTHING RETURNING event_id, false AS claim`;
/**
 * The inbox insert with the batch's facts claimed in the same statement: only events new to the
 * inbox claim (a redelivered one claimed when it was applied), in stream order (ORDER BY the
 * position: of two events naming one fact the first claims it; ON CONFLICT DO NOTHING skips a
 * second row of the same key within the statement too). Rows: each new event id (claim false) and
 * each event id that claimed its fact (claim true).
 */
const INBOX_INSERT_CLAIMING = `WITH fresh AS (
    INSERT INTO inbox_events (consumer, event_id, subject)
    SELECT $1, e.event_id, e.subject FROM unnest($2::text[], $3::text[]) AS e(event_id, subject)
    ON CONFLICT DO NOTHING RETURNING event_id
  ), claimed AS (
    INSERT INTO consumed_facts (consumer, fact, event_id)
    SELECT $1, f.fact, f.event_id FROM unnest($4::text[], $5::text[]) WITH ORDINALITY AS f(event_id, fact, n)
     WHERE f.event_id IN (SELECT event_id FROM fresh)
     ORDER BY f.n
    ON CONFLICT DO NOTHING RETURNING event_id
  )
  SELECT event_id, false AS claim FROM fresh UNION ALL SELECT event_id, true AS claim FROM claimed`;
const CLAIM_FACT = `INSERT INTO consumed_facts (consumer, fact, event_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`;
const SUPERSEDE = `INSERT INTO consumed_versions (consumer, key, version_at, event_id) VALUES ($1, $2, $3, $4)
  ON CONFLICT (consumer, key) DO UPDATE SET version_at = EXCLUDED.version_at, event_id = EXCLUDED.event_id
  WHERE consumed_versions.version_at < EXCLUDED.version_at`;

/** Longest fact key `claimOnce` takes (it is a primary key column). */
const MAX_FACT_LENGTH = 500;

export const startConsumer = async <Tx extends SqlTx, const Types extends readonly AnyEventType[], Prefetched = undefined>(
  options: StartConsumerOptions<Tx, Types, Prefetched>,
): Promise<ConsumerHandle> => {
  const types = new Map(options.eventTypes.map((type) => [type.typeName, type] as const));
  const subjects = options.subjects ?? [...new Set(options.eventTypes.map((type) => type.subject))];
  const log = options.log.child({ consumer: options.consumer });
  const timeoutMs = options.transactionTimeoutMs ?? 15_000;
  const maxDeliver = options.maxDeliver ?? DEFAULT_MAX_DELIVER;
  const fromBus = consumerObservationOf(options.bus);
  const observer = createConsumerObserver({
    consumer: options.consumer,
    maxDeliver,
    observation: { telemetry: options.telemetry ?? fromBus.telemetry, metrics: options.metrics ?? fromBus.metrics },
  });

  const decode = (message: IncomingMessage, index: number): Decoded<EventOf<Types>> => {
    const type = types.get(message.eventType);
    // Origin (issue 12), before anything else about the type: NATS lets each service publish only
    // on its own subjects, so the subject proves the producer; a type believed anywhere else
    // (another service's type on its own subjects, a stream not the producer's, a subject the
    // type is not declared on) could forge that producer's facts. Dead-lettered with the reason.
    const origin = checkEventOrigin({ subject: message.subject, eventType: message.eventType, stream: message.stream }, type?.subject);
    if (!origin.ok) throw new PoisonMessageError(`event origin refused: ${origin.reason}`);
    if (!type) throw new PoisonMessageError(`unknown event type "${message.eventType}" on ${message.subject}`);
    let event: EventOf<Types>;
    try {
      event = type.codec.decode(message.payload) as EventOf<Types>;
    } catch (error) {
      throw new PoisonMessageError(`undecodable ${message.eventType}: ${(error as Error).message}`, { cause: error });
    }
    const eventId = (event as { meta?: { eventId?: string } }).meta?.eventId ?? '';
    if (!eventId) throw new PoisonMessageError(`${message.eventType} without meta.event_id (message id ${message.eventId})`);
    return { index, message, event, eventId };
  };

  /**
   * Records the batch's event ids and runs the handler of each one not seen before, in order (each
   * in its span). `settleEach`: a Prisma-owned transaction commits when its callback returns, so
   * what a handler sent is awaited before the next one runs (and its failure is that event's).
   */
  const apply = async (t: DbTransaction<Tx>, batch: readonly Decoded<EventOf<Types>>[], facts: BatchFacts | undefined, settleEach: boolean): Promise<Handled[]> => {
    const handled: Handled[] = [];
    const eventIds = batch.map((item) => item.eventId);
    const subjects = batch.map((item) => item.message.subject);
    // Neither statement is awaited before the other is sent: with BEGIN they leave in one write.
    // A batch none of whose events names a fact (approvals only) takes the plain inbox insert.
    const recorded = facts?.eventIds.length
      ? t.sql.query<{ event_id: string; claim: boolean }>(INBOX_INSERT_CLAIMING, [options.consumer, eventIds, subjects, facts.eventIds, facts.facts])
      : t.sql.query<{ event_id: string; claim: boolean }>(INBOX_INSERT, [options.consumer, eventIds, subjects]);
    const prefetching = options.prefetch?.(
      batch.map((item) => ({ event: item.event, eventId: item.eventId, typeName: item.message.eventType })),
      t.sql,
    );
    // Awaited after the inbox rows; a failure of the inbox statement must not leave it unheard.
    prefetching?.catch(() => undefined);
    const rows = await recorded;
    const prefetched = (await prefetching) as Prefetched;
    const pending = new Set(rows.filter((row) => !row.claim).map((row) => row.event_id));
    /** Events whose fact was already claimed (by an earlier event, in this batch or before): no effect. */
    const claimedBefore = new Set(facts ? facts.eventIds : []);
    for (const row of rows) if (row.claim) claimedBefore.delete(row.event_id);
    const batchWritten = options.batchWrites ? options.batchWrites(toHandle(batch, pending, claimedBefore), t.sql, prefetched) : new Set<string>();
    for (const item of batch) {
      // Made only when a handler logs: a child logger per event costs more than most effects.
      let eventLog: Logger | undefined;
      const logOf = (): Logger => (eventLog ??= log.child({ event_id: item.eventId, event_type: item.message.eventType }));
      // A second copy in the same batch (re-published under another message id) finds the id taken.
      if (!pending.delete(item.eventId)) {
        logOf().debug('event already processed; skipped');
        handled.push({ outcome: 'duplicate' });
        continue;
      }
      const ctx: EventContext<Tx, Prefetched> = {
        get tx() {
          return t.tx;
        },
        transaction: t,
        sql: t.sql,
        eventId: item.eventId,
        claimOnce: async (fact) => {
          if (!fact || fact.length > MAX_FACT_LENGTH) throw new Error(`claimOnce: fact key must be 1..${MAX_FACT_LENGTH} characters`);
          const claimed = await t.sql.execute(CLAIM_FACT, [options.consumer, fact, item.eventId]);
          if (claimed === 0) logOf().info({ fact }, 'fact already handled by an earlier event; effect skipped');
          return claimed > 0;
        },
        supersedes: async (key, version) => {
          if (!key || key.length > MAX_FACT_LENGTH) throw new Error(`supersedes: key must be 1..${MAX_FACT_LENGTH} characters`);
          const newer = await t.sql.execute(SUPERSEDE, [options.consumer, key, version, item.eventId]);
          if (newer === 0) logOf().info({ key, version }, 'not newer than the version applied; effect skipped');
          return newer > 0;
        },
        subject: item.message.subject,
        typeName: item.message.eventType,
        deliveryCount: item.message.deliveryCount,
        headers: item.message.headers,
        get log() {
          return logOf();
        },
        prefetched,
        batchWritten: batchWritten.has(item.eventId),
      };
      const cascadeStartedAt = await observer.handle(item.message, item.eventId, async () => {
        if (claimedBefore.has(item.eventId)) {
          logOf().info({ fact: facts?.factOf.get(item.eventId) }, 'fact already handled by an earlier event; effect skipped');
          return;
        }
        await options.handler(item.event, ctx);
        if (settleEach) await t.settle();
      });
      handled.push({ outcome: 'handled', occurredAt: (item.event as { meta?: { occurredAt?: Date } }).meta?.occurredAt, cascadeStartedAt });
    }
    return handled;
  };

  /**
   * The events of the batch whose handlers will run, in stream order: the first copy of each event
   * new to the inbox (`pending`), unless its fact was claimed before.
   */
  const toHandle = (batch: readonly Decoded<EventOf<Types>>[], pending: ReadonlySet<string>, claimedBefore: ReadonlySet<string>): BatchEvent<EventOf<Types>>[] => {
    const seen = new Set<string>();
    const events: BatchEvent<EventOf<Types>>[] = [];
    for (const item of batch) {
      if (!pending.has(item.eventId) || seen.has(item.eventId) || claimedBefore.has(item.eventId)) continue;
      seen.add(item.eventId);
      events.push({ event: item.event, eventId: item.eventId, typeName: item.message.eventType });
    }
    return events;
  };

  /** The batch's facts (`factOf`), in stream order; undefined when the consumer names none. */
  const factsOf = (batch: readonly Decoded<EventOf<Types>>[]): BatchFacts | undefined => {
    if (!options.factOf) return undefined;
    const named = { eventIds: [] as string[], facts: [] as string[], factOf: new Map<string, string>() };
    for (const item of batch) {
      const fact = options.factOf(item.event, { typeName: item.message.eventType, eventId: item.eventId });
      if (fact === undefined) continue;
      // Thrown here, the batch fails and each event is tried alone: only this one keeps failing.
      if (!fact || fact.length > MAX_FACT_LENGTH) throw new Error(`factOf: fact key must be 1..${MAX_FACT_LENGTH} characters`);
      named.eventIds.push(item.eventId);
      named.facts.push(fact);
      named.factOf.set(item.eventId, fact);
    }
    return named;
  };

  const { database, db } = options;
  if (!database && !db) throw new Error(`consumer ${options.consumer}: give it the service's database (or its Prisma client as db)`);
  /** One try of the batch's transaction: the platform's when the consumer has the database, else Prisma's. */
  const attempt = async (batch: readonly Decoded<EventOf<Types>>[]): Promise<Handled[]> => {
    // Named before the transaction: a fact that cannot be claimed fails the try without opening one.
    const facts = factsOf(batch);
    if (database) return runTransaction(database, (t) => apply(t, batch, facts, false), { timeoutMs });
    return runInTransaction(db as TransactionalClient<Tx>, (tx) => apply(overPrisma(tx), batch, facts, true), { timeoutMs });
  };

  const databaseWaitMs = options.databaseWaitMs ?? 60_000;
  /** Runs a transaction, waiting out a database that is down (restarting, unreachable) up to the bound. */
  const transaction = async (batch: readonly Decoded<EventOf<Types>>[]): Promise<void> => {
    const until = Date.now() + databaseWaitMs;
    const startedAt = Date.now();
    for (let wait = 100; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        const handled = await attempt(batch);
        observer.committed(
          batch.flatMap((item, i) => (handled[i] ? [{ message: item.message, handled: handled[i] }] : [])),
          startedAt,
        );
        return;
      } catch (error) {
        if (!isDatabaseUnavailable(error) || Date.now() + wait > until) throw error;
        log.warn({ err: error, retry_in_ms: wait }, 'database unavailable; holding the batch until it is back');
        await sleep(wait);
      }
    }
  };
  const applyAlone = async (item: Decoded<EventOf<Types>>): Promise<void> => {
    const startedAt = Date.now();
    try {
      await transaction([item]);
    } catch (error) {
      observer.failed(item.message, error, startedAt);
      throw error;
    }
  };
  const decodeObserved = async (message: IncomingMessage, index: number): Promise<Decoded<EventOf<Types>>> => {
    try {
      return decode(message, index);
    } catch (error) {
      await observer.undecodable(message, error);
      throw error;
    }
  };

  const handleBatch = async (messages: readonly IncomingMessage[]): Promise<unknown[]> => {
    const outcomes: unknown[] = messages.map(() => undefined);
    const decoded: Decoded<EventOf<Types>>[] = [];
    for (const [index, message] of messages.entries()) {
      try {
        decoded.push(await decodeObserved(message, index));
      } catch (error) {
        outcomes[index] = error;
      }
    }
    if (decoded.length === 0) return outcomes;
    if (decoded.length === 1) {
      await applyAlone(decoded[0] as Decoded<EventOf<Types>>).catch((error: unknown) => {
        outcomes[decoded[0]?.index ?? 0] = error;
      });
      return outcomes;
    }
    try {
      await transaction(decoded);
      return outcomes;
    } catch (error) {
      log.debug({ err: error, events: decoded.length }, 'batch failed; handling its events one by one');
    }
    for (const item of decoded) {
      try {
        await applyAlone(item);
      } catch (error) {
        outcomes[item.index] = error;
      }
    }
    return outcomes;
  };

  return options.bus.consume({
    durable: options.consumer,
    stream: options.stream ?? producerStreamOf(options.eventTypes),
    subjects,
    maxDeliver,
    backoffMs: options.backoffMs ?? DEFAULT_BACKOFF_MS,
    ...(options.ackWaitMs !== undefined ? { ackWaitMs: options.ackWaitMs } : {}),
    handler: async (message) => applyAlone(await decodeObserved(message, 0)),
    handleBatch,
    maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
  });
};
