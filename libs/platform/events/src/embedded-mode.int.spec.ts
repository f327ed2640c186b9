import { applyMigrations, runInTransaction, startEmbeddedPostgres, type EmbeddedPostgres } from '@govern/platform-db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from './event-bus';
import { startConsumer } from './consumer';
import { createInMemoryBus } from './in-memory-bus';
import { appendToOutbox, toOutgoing } from './outbox';
import { createOutboxRelay } from './outbox-relay';
import { PLATFORM_MIGRATIONS, readDeadLetters, silentLog } from './testing/flow-fixture';
import { pgTransactionalClient } from './testing/pg-transactional-client';
import { TEST_STREAM, ThingHappenedEvent, thingHappened } from './testing/test-event';
import { eventually } from './testing/wait';

/**
 * Embedded mode's stack: PGlite (one connection, no LISTEN) and the in-memory bus. The
 * relay is woken by kick() after commit; the consumer's inbox works the same.
 */
describe('events in embedded mode (PGlite + in-memory bus)', () => {
  let postgres: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    postgres = await startEmbeddedPostgres();
    await applyMigrations({ connectionString: postgres.connectionString, migrationsDir: PLATFORM_MIGRATIONS });
    // PGlite is one session: a pool of one connection keeps transactions apart.
    pool = new pg.Pool({ connectionString: postgres.connectionString, max: 1 });
    await pool.query(`CREATE TABLE effects (event_id TEXT PRIMARY KEY, count INT NOT NULL)`);
  });
  afterAll(async () => {
    await pool?.end();
    await postgres?.stop();
  });

  it('relays committed events on kick(), applies each once, and dead-letters the one that keeps failing', async () => {
    const bus = createInMemoryBus({ log: silentLog });
    await bus.ensureStreams([TEST_STREAM]);
    const db = pgTransactionalClient(pool);
    const { letters } = await readDeadLetters(bus);
    await startConsumer({
      bus,
      db,
      consumer: 'test_effects',
      stream: TEST_STREAM.name,
      eventTypes: [ThingHappenedEvent],
      maxDeliver: 2,
      backoffMs: [20],
      log: silentLog,
      handler: async (event, ctx) => {
        if (event.thingId === 'bad') throw new Error('bad thing');
        await ctx.tx.$executeRawUnsafe(
          `INSERT INTO effects (event_id, count) VALUES ($1, 1) ON CONFLICT (event_id) DO UPDATE SET count = effects.count + 1`,
          ctx.eventId,
        );
      },
    });
    const relay = createOutboxRelay({ pool, bus, log: silentLog, listen: false, idlePollMs: 60_000 });
    await relay.start();

    await runInTransaction(db, (tx) =>
      appendToOutbox(tx, [
        toOutgoing(ThingHappenedEvent, thingHappened('emb-1')),
        toOutgoing(ThingHappenedEvent, thingHappened('emb-bad', 'bad')),
        toOutgoing(ThingHappenedEvent, thingHappened('emb-2')),
      ]),
    );
    relay.kick();
    const effects = async () => (await pool.query('SELECT event_id, count FROM effects ORDER BY event_id')).rows;
    await eventually('both good effects', async () => (await effects()).length === 2);
    await eventually('the bad one dead-lettered', () => letters.length === 1);

    expect(await effects()).toEqual([
      { event_id: 'emb-1', count: 1 },
      { event_id: 'emb-2', count: 1 },
    ]);
    expect(letters[0]?.headers).toMatchObject({ [DLQ_HEADERS.eventId]: 'emb-bad', [DLQ_HEADERS.deliveries]: '2' });
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL');
    expect(rows).toEqual([{ n: 0 }]);

    await relay.stop();
    await bus.close();
  });
});
