/**
 * Events end to end against this machine's floors, all measured in the same run:
 *
 *   floor    nats.js acked publish (pipelined, 256 in flight) and pull-consume with ack;
 *   pipeline outbox rows -> relay -> JetStream -> inbox consumer (one effect row per event):
 *            - drain: a pre-filled outbox (N rows) until every effect committed;
 *            - live: writers committing one event per transaction (16 in flight) while the
 *              relay and the consumer run, until every effect committed;
 *            - latency: one event per transaction at a fixed rate (default 1,000/s for 10 s),
 *              commit -> consumer effect committed, p50/p99.
 *   The consumer runs in the platform's transaction (`database`), as the services' consumers do;
 *   "consumer alone" is also measured with a transaction that sends one statement per round trip
 *   (`db`, as a Prisma-owned one does), so both figures come from the same run.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/platform/events/bench/event-pipeline.bench.ts [events=10000] [rate=1000] [seconds=10]
 *
 * Uses only the lib's public API (startConsumer, createOutboxRelay, appendToOutbox, the bus), so the
 * same script measures any version of it. Writers call `relay.kick()` after each commit, as the
 * service runtime's `eventsWritten()` does. Prints figures only; nothing here asserts timing.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterCommit, runInTransaction, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import { createTestDatabase, deleteNamespaceStreams, testInfra, uniqueSuffix } from '@govern/platform-testing';
import pg from 'pg';
import pino from 'pino';
import { appendToOutbox, createJetStreamBus, createOutboxRelay, startConsumer, toOutgoing, type ConsumerHandle, type EventBus } from '../src/index';
import { PLATFORM_MIGRATIONS } from '../src/testing/flow-fixture';
import { pgTransactionalClient } from '../src/testing/pg-transactional-client';
import { TEST_STREAM, ThingHappenedEvent, thingHappened } from '../src/testing/test-event';

const EVENTS = Number(process.argv[2] ?? 10_000);
const RATE = Number(process.argv[3] ?? 1_000);
const SECONDS = Number(process.argv[4] ?? 10);
const WRITERS = 16;
const log = pino({ level: 'silent' });

interface Row {
  path: string;
  events: number;
  perSecond: number;
  p50?: number;
  p99?: number;
  note?: string;
}
const rows: Row[] = [];

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Floor: raw nats.js, acked publishes kept 256 in flight, then a pull consumer acking each. */
const natsFloor = async (natsUrl: string): Promise<number> => {
  const nc = await connect({ servers: natsUrl });
  const stream = `BENCH_FLOOR_${uniqueSuffix()}`;
  const subject = `bench.${stream}.x`;
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [subject] });
    const js = jetstream(nc);
    const payload = ThingHappenedEvent.codec.encode(thingHappened('floor-payload')).finish();
    const started = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < EVENTS) {
        const i = next++;
        await js.publish(subject, payload, { msgID: `floor-${i}` });
      }
    };
    await Promise.all(Array.from({ length: 256 }, worker));
    const publishRate = EVENTS / ((performance.now() - started) / 1000);
    rows.push({ path: 'floor: nats.js acked publish (256 in flight)', events: EVENTS, perSecond: publishRate });

    await jsm.consumers.add(stream, { durable_name: 'floor', ack_policy: AckPolicy.Explicit });
    const consumer = await js.consumers.get(stream, 'floor');
    const consumeStarted = performance.now();
    const messages = await consumer.consume({ max_messages: 256 });
    let seen = 0;
    for await (const msg of messages) {
      msg.ack();
      if (++seen === EVENTS) break;
    }
    rows.push({ path: 'floor: nats.js pull consume + ack', events: EVENTS, perSecond: EVENTS / ((performance.now() - consumeStarted) / 1000) });
    await jsm.streams.delete(stream);
    return publishRate;
  } finally {
    await nc.close();
  }
};

interface World {
  pool: pg.Pool;
  bus: EventBus;
  /** event id -> when its effect committed. */
  handledAt: Map<string, number>;
  relay: ReturnType<typeof createOutboxRelay>;
  stop(): Promise<void>;
}

type ConsumerTransaction = 'platform' | 'per-statement';

/** A fresh database and namespace, a relay (LISTEN on) and one inbox consumer writing one effect row per event. */
const world = async (natsUrl: string, options: { consumer: boolean } = { consumer: true }): Promise<World & { startConsumer(kind?: ConsumerTransaction): Promise<void> }> => {
  const database = await createTestDatabase({ migrationsDir: PLATFORM_MIGRATIONS, prefix: 'bench_events' });
  const pool = new pg.Pool({ connectionString: database.url, max: WRITERS + 4 });
  pool.on('error', () => undefined);
  await pool.query(`CREATE TABLE effects (event_id TEXT PRIMARY KEY, thing_id TEXT NOT NULL)`);
  const namespace = `bench${uniqueSuffix()}`;
  const bus = await createJetStreamBus({ natsUrl, log, namespace });
  await bus.ensureStreams([TEST_STREAM]);
  const handledAt = new Map<string, number>();
  const consumerPool = new pg.Pool({ connectionString: database.url, max: 4 });
  consumerPool.on('error', () => undefined);
  let consumer: ConsumerHandle | undefined;
  const startBenchConsumer = async (kind: ConsumerTransaction = 'platform'): Promise<void> => {
    consumer = await startConsumer({
      bus,
      ...(kind === 'platform' ? { database: { pool: consumerPool } } : { db: pgTransactionalClient(consumerPool) }),
      consumer: 'bench_effects',
      stream: TEST_STREAM.name,
      eventTypes: [ThingHappenedEvent],
      log,
      handler: async (event, ctx) => {
        // Sent, not awaited: nothing here needs its answer, so a batch costs a few round trips, not one per event.
        ctx.sql.send(`INSERT INTO effects (event_id, thing_id) VALUES ($1, $2)`, [ctx.eventId, event.thingId]);
        // Stamped when the consumer's transaction commits (its own commit time).
        afterCommit(ctx.tx, () => handledAt.set(ctx.eventId, performance.now()));
      },
    });
  };
  if (options.consumer) await startBenchConsumer();
  const relay = createOutboxRelay({ pool, connectionString: database.url, bus, log, listen: true });
  await relay.start();
  return {
    pool,
    bus,
    handledAt,
    relay,
    startConsumer: startBenchConsumer,
    async stop() {
      await consumer?.stop();
      await relay.stop();
      await bus.close();
      await consumerPool.end();
      await pool.end();
      await database.drop();
      await deleteNamespaceStreams(natsUrl, namespace).catch(() => undefined);
    },
  };
};

const db = (pool: pg.Pool): TransactionalClient<SqlTx> => ({
  async $transaction(fn) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const tx: SqlTx = {
        $executeRawUnsafe: async (query, ...values) => (await client.query(query, values)).rowCount ?? 0,
        $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) => (await client.query(query, values)).rows as T,
      };
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  },
});

const waitForAll = async (w: World, count: number, boundMs = 300_000): Promise<void> => {
  const until = Date.now() + boundMs;
  while (w.handledAt.size < count) {
    if (Date.now() > until) throw new Error(`only ${w.handledAt.size} of ${count} events handled within ${boundMs} ms`);
    await sleep(10);
  }
};

/** The relay alone, then the consumer alone (in a platform transaction, or one statement per round trip). */
const components = async (natsUrl: string, kind: ConsumerTransaction, withRelay: boolean): Promise<void> => {
  const w = await world(natsUrl, { consumer: false });
  try {
    await w.relay.stop();
    const events = Array.from({ length: EVENTS }, (_, i) => toOutgoing(ThingHappenedEvent, thingHappened(`drain-${i}`)));
    const tx = db(w.pool);
    for (let i = 0; i < events.length; i += 1_000) await runInTransaction(tx, (t) => appendToOutbox(t, events.slice(i, i + 1_000)));
    // The relay alone first (the consumer starts once the stream holds everything), then the consumer alone.
    const relay = createOutboxRelay({ pool: w.pool, bus: w.bus, log, listen: false });
    const started = performance.now();
    await relay.drain();
    const relayed = performance.now();
    if (withRelay) rows.push({ path: 'component: relay alone, outbox -> stream', events: EVENTS, perSecond: EVENTS / ((relayed - started) / 1000) });
    const consuming = performance.now();
    await w.startConsumer(kind);
    await waitForAll(w, EVENTS);
    rows.push({ path: `component: consumer alone, stream -> inbox (${kind} tx)`, events: EVENTS, perSecond: EVENTS / ((performance.now() - consuming) / 1000) });
  } finally {
    await w.stop();
  }
};

/** Relay and consumer at once, as in a service: a pre-filled outbox until every effect committed. */
const drain = async (natsUrl: string): Promise<void> => {
  const both = await world(natsUrl);
  try {
    await both.relay.stop();
    const events = Array.from({ length: EVENTS }, (_, i) => toOutgoing(ThingHappenedEvent, thingHappened(`both-${i}`)));
    const tx = db(both.pool);
    for (let i = 0; i < events.length; i += 1_000) await runInTransaction(tx, (t) => appendToOutbox(t, events.slice(i, i + 1_000)));
    const relay = createOutboxRelay({ pool: both.pool, bus: both.bus, log, listen: false });
    const started = performance.now();
    await relay.start();
    await waitForAll(both, EVENTS);
    await relay.stop();
    rows.push({ path: 'pipeline: pre-filled outbox -> inbox', events: EVENTS, perSecond: EVENTS / ((performance.now() - started) / 1000) });
  } finally {
    await both.stop();
  }
};

const live = async (natsUrl: string): Promise<void> => {
  const w = await world(natsUrl);
  try {
    const tx = db(w.pool);
    const started = performance.now();
    let next = 0;
    const writer = async (): Promise<void> => {
      while (next < EVENTS) {
        const i = next++;
        await runInTransaction(tx, (t) => appendToOutbox(t, [toOutgoing(ThingHappenedEvent, thingHappened(`live-${i}`))]));
        w.relay.kick();
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const written = performance.now();
    await waitForAll(w, EVENTS);
    const seconds = (performance.now() - started) / 1000;
    rows.push({
      path: `pipeline: ${WRITERS} writers, 1 event/tx -> inbox`,
      events: EVENTS,
      perSecond: EVENTS / seconds,
      note: `bound by the writers: alone ${Math.round(EVENTS / ((written - started) / 1000))} tx/s`,
    });
  } finally {
    await w.stop();
  }
};

const latency = async (natsUrl: string): Promise<void> => {
  const w = await world(natsUrl);
  try {
    const tx = db(w.pool);
    const total = RATE * SECONDS;
    const committedAt = new Map<string, number>();
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const id = `lat-${i}`;
      const write = runInTransaction(tx, (t) => appendToOutbox(t, [toOutgoing(ThingHappenedEvent, thingHappened(id))])).then(() => {
        committedAt.set(id, performance.now());
        w.relay.kick();
      });
      inFlight.add(write);
      void write.finally(() => inFlight.delete(write));
      // Bounded in flight: a writer that falls behind shows up as a lower achieved rate.
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const achieved = total / ((performance.now() - started) / 1000);
    await waitForAll(w, total);
    const latencies = [...committedAt].map(([id, at]) => (w.handledAt.get(id) ?? Number.NaN) - at).sort((a, b) => a - b);
    rows.push({
      path: `pipeline: commit -> handled at ${RATE}/s for ${SECONDS} s`,
      events: total,
      perSecond: achieved,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
    });
  } finally {
    await w.stop();
  }
};

const main = async (): Promise<void> => {
  const { natsUrl } = await testInfra();
  const floor = await natsFloor(natsUrl);
  await components(natsUrl, 'per-statement', false);
  await components(natsUrl, 'platform', true);
  await drain(natsUrl);
  await live(natsUrl);
  await latency(natsUrl);

  const fmt = (n: number | undefined, digits = 0): string => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits));
  const table = rows.map((row) => ({
    path: row.path,
    events: row.events,
    'events/s': fmt(row.perSecond),
    'vs acked publish': row.path.startsWith('floor') ? '' : `${((row.perSecond / floor) * 100).toFixed(1)}%`,
    'p50 ms': fmt(row.p50, 1),
    'p99 ms': fmt(row.p99, 1),
    note: row.note ?? '',
  }));
  console.table(table);
  console.info('goals (issue 13): pipeline >= 25% of acked publish; commit -> handled p99 <= 250 ms at 1k events/s');
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
