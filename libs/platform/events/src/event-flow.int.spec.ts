import { runInTransaction } from '@govern/platform-db';
import { describe, expect, it } from 'vitest';
import type { EventBus } from './event-bus';
import { createInMemoryBus } from './in-memory-bus';
import { appendToOutbox, toOutgoing } from './outbox';
import { createOutboxRelay } from './outbox-relay';
import { pgTransactionalClient } from './testing/pg-transactional-client';
import { silentLog, tap, useFlowWorlds } from './testing/flow-fixture';
import { TEST_STREAM, ThingHappenedEvent, thingHappened } from './testing/test-event';
import { eventually, nth, sleep } from './testing/wait';

/** Outbox -> relay -> bus -> consumer with inbox, against real Postgres and NATS. */
describe('outbox relay and inbox consumer', () => {
  const { world, track, cleanup } = useFlowWorlds();

  it('publishes committed events promptly when the writer kicks after commit, marks them sent, and the consumer applies each once', async () => {
    const { fixture, bus } = await world();
    const tapped = tap(bus);
    // The consumer's commit time, to measure commit -> effect without the test's polling in it.
    let effectCommittedAt = 0;
    const consumerDb = pgTransactionalClient(fixture.pool, { afterCommit: () => (effectCommittedAt = performance.now()) });
    track(await fixture.startCounting(tapped, { db: consumerDb }));
    // A one-minute safety poll: only the in-process kick can make this test pass in time.
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus: tapped, log: silentLog, listen: true, idlePollMs: 60_000 }));
    await relay.start();

    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const id = `lat-${i}`;
      await fixture.produce([toOutgoing(ThingHappenedEvent, thingHappened(id))]);
      const committedAt = performance.now();
      relay.kick();
      await eventually(`effect of ${id}`, async () => (await fixture.effects()).get(id) === 1, 5_000);
      latencies.push(effectCommittedAt - committedAt);
    }
    await fixture.produce(Array.from({ length: 50 }, (_, i) => toOutgoing(ThingHappenedEvent, thingHappened(`bulk-${i}`))));
    relay.kick();
    await eventually('all effects', async () => (await fixture.effects()).size === 70);

    const sorted = [...latencies].sort((a, b) => a - b);
    const pct = (p: number): string => nth(sorted, Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))).toFixed(1);
    console.info(
      `relay latency, producer commit -> consumer effect committed (JetStream, kick, ${latencies.length} events one by one): ` +
        `p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${pct(100)} ms`,
    );

    const outbox = await fixture.outbox();
    expect(outbox.every((row) => row.published_at !== null && row.attempts === 0)).toBe(true);
    expect([...(await fixture.effects()).values()].every((count) => count === 1)).toBe(true);
    // Published in outbox order.
    expect(tapped.acks.map((ack) => ack.eventId)).toEqual(outbox.map((row) => row.event_id));
  });

  it('writes no NOTIFY in the writer\'s transaction: nothing wakes a relay at commit, its short poll finds the rows', async () => {
    const { fixture, bus } = await world();
    track(await fixture.startCounting(bus));
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus, log: silentLog, listen: true, idlePollMs: 400 }));
    await relay.start();
    const { rows } = await fixture.pool.query(`SELECT count(*)::int AS triggers FROM pg_trigger WHERE tgrelid = 'outbox_events'::regclass AND NOT tgisinternal`);
    expect(rows).toEqual([{ triggers: 0 }]);
    await fixture.produce([toOutgoing(ThingHappenedEvent, thingHappened('polled'))]);
    await eventually('effect found by the poll', async () => (await fixture.effects()).get('polled') === 1, 5_000);
  });

  it("a relay that sees a backlog wakes the other replicas' relays, which help drain it", async () => {
    const { fixture, bus } = await world();
    const tapped = tap(bus);
    // The helper only listens: no poll within the test's time, nobody kicks it.
    const helperBus = tap(bus);
    const helper = track(createOutboxRelay({ pool: fixture.pool, bus: helperBus, log: silentLog, listen: true, idlePollMs: 60_000, batchSize: 20 }));
    await helper.start();
    // 40 batches: enough backlog for the helper to be woken and join, small enough for a loaded 2-core CI.
    const backlog = 800;
    await fixture.produce(Array.from({ length: backlog }, (_, i) => toOutgoing(ThingHappenedEvent, thingHappened(`backlog-${i}`))));
    const writer = track(createOutboxRelay({ pool: fixture.pool, bus: tapped, log: silentLog, listen: true, idlePollMs: 60_000, batchSize: 20, notifyDebounceMs: 10 }));
    await writer.start();
    await eventually('backlog published', async () => (await writer.counts()).unpublished === 0, 50_000);
    expect(helperBus.acks.length).toBeGreaterThan(0);
    expect(tapped.acks.length + helperBus.acks.length).toBe(backlog);
    expect(new Set([...tapped.acks, ...helperBus.acks].map((ack) => ack.eventId)).size).toBe(backlog);
  }, 60_000);

  it('publishes nothing from a transaction that rolled back', async () => {
    const { fixture, bus } = await world();
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus, log: silentLog, listen: true }));
    await relay.start();
    await expect(
      runInTransaction(fixture.db, async (tx) => {
        await appendToOutbox(tx, [toOutgoing(ThingHappenedEvent, thingHappened('rolled-back'))]);
        throw new Error('use case failed after writing its event');
      }),
    ).rejects.toThrow(/use case failed/);
    expect(await fixture.outbox()).toEqual([]);
  });

  it('lets two relays share the outbox without publishing any row twice', async () => {
    const { fixture, bus } = await world();
    const tapped = tap(bus);
    await fixture.produce(Array.from({ length: 300 }, (_, i) => toOutgoing(ThingHappenedEvent, thingHappened(`shared-${i}`))));
    const relays = [0, 1].map(() => createOutboxRelay({ pool: fixture.pool, bus: tapped, log: silentLog, listen: false, batchSize: 20 }));
    const published = await Promise.all(relays.map((relay) => relay.drain()));

    expect(nth(published, 0) + nth(published, 1)).toBe(300);
    expect(published.every((count) => count > 0)).toBe(true);
    expect(tapped.acks).toHaveLength(300);
    expect(new Set(tapped.acks.map((ack) => ack.eventId)).size).toBe(300);
    expect(tapped.acks.every((ack) => !ack.duplicate)).toBe(true);
  });

  it('listens again after its LISTEN connection is killed', async () => {
    const { fixture, bus } = await world();
    track(await fixture.startCounting(bus));
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus, log: silentLog, listen: true, idlePollMs: 60_000 }));
    await relay.start();
    const { rows } = await fixture.pool.query(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = $1 AND application_name = 'govern-outbox-listener'`,
      [fixture.database.name],
    );
    expect(rows).toEqual([{ killed: true }]);
    await sleep(300);
    await fixture.produce([toOutgoing(ThingHappenedEvent, thingHappened('after-reconnect'))]);
    // Another replica's backlog NOTIFY reaches the reconnected listener.
    await eventually(
      'effect after reconnect',
      async () => {
        await fixture.pool.query(`SELECT pg_notify('outbox_events', '')`);
        return (await fixture.effects()).get('after-reconnect') === 1;
      },
      5_000,
    );
  });

  it('records failures and backs off while the bus refuses, then publishes', async () => {
    const { fixture, bus } = await world();
    let refusals = 3;
    const flaky: EventBus = {
      ...bus,
      publish: async (messages) => {
        if (refusals-- > 0) throw new Error('nats unavailable');
        return bus.publish(messages);
      },
    };
    track(await fixture.startCounting(bus));
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus: flaky, log: silentLog, listen: true, maxBackoffMs: 200 }));
    await relay.start();
    await fixture.produce([toOutgoing(ThingHappenedEvent, thingHappened('flaky-1'))]);
    await eventually('effect after refusals', async () => (await fixture.effects()).get('flaky-1') === 1, 5_000);
    const [row] = await fixture.outbox();
    expect(row).toMatchObject({ event_id: 'flaky-1', attempts: 3, last_error: 'Error: nats unavailable' });
    expect(row?.published_at).not.toBeNull();
  });

  it('embedded mode: in-memory bus, no LISTEN, kick() after commit', async () => {
    const { fixture } = await world();
    const bus = createInMemoryBus({ log: silentLog });
    await bus.ensureStreams([TEST_STREAM]);
    cleanup.push(() => bus.close());
    let effectCommittedAt = 0;
    const consumerDb = pgTransactionalClient(fixture.pool, { afterCommit: () => (effectCommittedAt = performance.now()) });
    track(await fixture.startCounting(bus, { db: consumerDb }));
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus, log: silentLog, listen: false, idlePollMs: 60_000 }));
    await relay.start();

    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      await fixture.produce([toOutgoing(ThingHappenedEvent, thingHappened(`emb-${i}`))]);
      const committedAt = performance.now();
      relay.kick();
      await eventually(`effect of emb-${i}`, async () => (await fixture.effects()).get(`emb-${i}`) === 1, 5_000);
      latencies.push(effectCommittedAt - committedAt);
    }
    console.info(`relay latency commit -> consumer effect (in-memory, kick): max ${Math.max(...latencies).toFixed(1)} ms`);
    expect((await fixture.outbox()).every((row) => row.published_at !== null)).toBe(true);
  });
});
