import { join } from 'node:path';
import { runInTransaction, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import { createTestDatabase, testInfra, uniqueSuffix, type TestDatabase } from '@govern/platform-testing';
import pg from 'pg';
import pino from 'pino';
import { afterEach } from 'vitest';
import { startConsumer } from '../consumer';
import { DLQ_STREAM, type ConsumerHandle, type EventBus, type IncomingMessage, type PublishAck } from '../event-bus';
import { createJetStreamBus } from '../jetstream-bus';
import { appendToOutbox, type OutgoingEvent } from '../outbox';
import { deleteNamespaceStreams } from '@govern/platform-testing';
import { pgTransactionalClient } from './pg-transactional-client';
import { TEST_STREAM, ThingHappenedEvent, ThingRemovedEvent, type ThingHappened } from './test-event';

export const PLATFORM_MIGRATIONS = join(import.meta.dirname, '..', '..', '..', 'db', 'prisma', 'migrations');

export const silentLog = pino({ level: 'silent' });

/** Reads the bus's dead-letter stream as an operator's tool would: every letter, once, into `letters`. */
export const readDeadLetters = async (bus: EventBus): Promise<{ letters: IncomingMessage[]; reader: ConsumerHandle }> => {
  const letters: IncomingMessage[] = [];
  const reader = await bus.consume({
    durable: 'test_dlq_reader',
    stream: DLQ_STREAM.name,
    subjects: ['govern.dlq.>'],
    maxDeliver: 1,
    backoffMs: [],
    handler: async (letter) => void letters.push(letter),
  });
  return { letters, reader };
};

/** A bus that records what went through it, to tell a redelivery from a single delivery. */
export interface TappedBus extends EventBus {
  deliveries: IncomingMessage[];
  acks: PublishAck[];
}

export const tap = (bus: EventBus): TappedBus => {
  const tapped: TappedBus = {
    deliveries: [],
    acks: [],
    ensureStreams: (specs) => bus.ensureStreams(specs),
    close: () => bus.close(),
    ping: () => bus.ping(),
    async publish(messages) {
      const acks = await bus.publish(messages);
      tapped.acks.push(...acks);
      return acks;
    },
    consume: (options) => {
      const handleBatch = options.handleBatch;
      return bus.consume({
        ...options,
        handler: async (message) => {
          tapped.deliveries.push(message);
          await options.handler(message);
        },
        ...(handleBatch
          ? {
              handleBatch: async (messages) => {
                tapped.deliveries.push(...messages);
                return handleBatch(messages);
              },
            }
          : {}),
      });
    },
  };
  return tapped;
};

/**
 * One test's world: a fresh migrated database with an `effects` counter table, a
 * namespaced stream, and helpers to produce through the outbox and consume with the inbox.
 */
export interface FlowFixture {
  database: TestDatabase;
  pool: pg.Pool;
  db: TransactionalClient<SqlTx>;
  namespace: string;
  produce(events: OutgoingEvent[]): Promise<void>;
  /** Starts `test_effects`: counts each event's effect, fails for things named `fail*`. */
  startCounting(bus: EventBus, options?: { db?: TransactionalClient<SqlTx>; ackWaitMs?: number; maxDeliver?: number }): Promise<ConsumerHandle>;
  /** event id -> how many times its effect was applied. */
  effects(): Promise<Map<string, number>>;
  outbox(): Promise<{ event_id: string; published_at: Date | null; attempts: number; last_error: string | null }[]>;
  dispose(natsUrl?: string): Promise<void>;
}

export const createFlowFixture = async (): Promise<FlowFixture> => {
  const database = await createTestDatabase({ migrationsDir: PLATFORM_MIGRATIONS, prefix: 'platform_events' });
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  pool.on('error', () => undefined);
  await pool.query(`CREATE TABLE effects (event_id TEXT PRIMARY KEY, count INT NOT NULL, done_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())`);
  const db = pgTransactionalClient(pool);
  const namespace = `t${uniqueSuffix()}`;
  return {
    database,
    pool,
    db,
    namespace,
    produce: (events) => runInTransaction(db, (tx) => appendToOutbox(tx, events)),
    startCounting: (bus, options = {}) =>
      startConsumer({
        bus,
        db: options.db ?? db,
        consumer: 'test_effects',
        stream: TEST_STREAM.name,
        eventTypes: [ThingHappenedEvent, ThingRemovedEvent],
        maxDeliver: options.maxDeliver ?? 3,
        backoffMs: [50, 100],
        ...(options.ackWaitMs ? { ackWaitMs: options.ackWaitMs } : {}),
        log: silentLog,
        handler: async (event: ThingHappened, ctx) => {
          if (event.thingId.startsWith('fail')) throw new Error(`cannot handle ${event.thingId}`);
          await ctx.tx.$executeRawUnsafe(
            `INSERT INTO effects (event_id, count) VALUES ($1, 1) ON CONFLICT (event_id) DO UPDATE SET count = effects.count + 1`,
            ctx.eventId,
          );
        },
      }),
    async effects() {
      const { rows } = await pool.query<{ event_id: string; count: number }>('SELECT event_id, count FROM effects');
      return new Map(rows.map((row) => [row.event_id, row.count]));
    },
    async outbox() {
      const { rows } = await pool.query('SELECT event_id, published_at, attempts, last_error FROM outbox_events ORDER BY id');
      return rows;
    },
    async dispose(natsUrl) {
      await pool.end();
      await database.drop();
      if (natsUrl) await deleteNamespaceStreams(natsUrl, namespace).catch(() => undefined);
    },
  };
};

/**
 * The worlds of a describe block's flow tests, each a fresh database and event namespace:
 * `flowFixture()` alone, or `world()` with a bus on it that has the test stream (a JetStream bus,
 * or `makeBus`'s). `track` queues a consumer or relay to stop, `cleanup` takes any step. After each
 * test the queued steps run, last first, then the world is disposed.
 */
export const useFlowWorlds = (defaults: { makeBus?: (namespace: string) => Promise<EventBus>; publishTimeoutMs?: number } = {}) => {
  let current: { fixture: FlowFixture; natsUrl: string } | undefined;
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await current?.fixture.dispose(current.natsUrl);
    current = undefined;
  });

  const flowFixture = async (natsUrl?: string): Promise<{ fixture: FlowFixture; natsUrl: string }> => {
    const url = natsUrl ?? (await testInfra()).natsUrl;
    current = { natsUrl: url, fixture: await createFlowFixture() };
    return current;
  };
  const world = async (options: { natsUrl?: string; duplicateWindowMs?: number; publishTimeoutMs?: number } = {}): Promise<{ fixture: FlowFixture; bus: EventBus; natsUrl: string }> => {
    const { fixture, natsUrl } = await flowFixture(options.natsUrl);
    const publishTimeoutMs = options.publishTimeoutMs ?? defaults.publishTimeoutMs;
    const bus = defaults.makeBus
      ? await defaults.makeBus(fixture.namespace)
      : await createJetStreamBus({
          natsUrl,
          log: silentLog,
          namespace: fixture.namespace,
          ...(options.duplicateWindowMs ? { duplicateWindowMs: options.duplicateWindowMs } : {}),
          ...(publishTimeoutMs ? { publishTimeoutMs } : {}),
        });
    await bus.ensureStreams([TEST_STREAM]);
    cleanup.push(() => bus.close());
    return { fixture, bus, natsUrl };
  };
  const track = <T extends { stop(): Promise<unknown> }>(thing: T): T => {
    cleanup.push(() => thing.stop());
    return thing;
  };
  return { world, flowFixture, track, cleanup };
};
