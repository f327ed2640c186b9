import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PublishError, type EventBus, type PublishAck } from './event-bus';
import { toOutgoing } from './outbox';
import { createOutboxRelay } from './outbox-relay';
import { silentLog, useFlowWorlds } from './testing/flow-fixture';
import { ThingHappenedEvent, thingHappened } from './testing/test-event';
import { eventually, sleep } from './testing/wait';

/** The relay's bounds: rows the bus keeps refusing go dead (not retried forever), outages count nothing against rows, retention. */
describe('outbox relay bounds', () => {
  const { world, track } = useFlowWorlds();
  const events = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => toOutgoing(ThingHappenedEvent, thingHappened(`${prefix}-${i}`)));

  /** A bus that refuses one event id (as a server refuses a message it will never store) and passes the rest on. */
  const refusing = (bus: EventBus, refused: string): EventBus => ({
    ...bus,
    publish: async (messages) => {
      const acks: PublishAck[] = await bus.publish(messages.filter((m) => m.eventId !== refused));
      if (acks.length === messages.length) return acks;
      throw new PublishError('refused', acks, [{ eventId: refused, error: 'Error: maximum payload exceeded' }]);
    },
  });

  it('sets a row the bus keeps refusing dead after the bound, and keeps publishing the rows behind it', async () => {
    const { fixture, bus } = await world();
    await fixture.produce(events('row', 3));
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus: refusing(bus, 'row-0'), log: silentLog, listen: false, maxRejections: 3, maxBackoffMs: 50, idlePollMs: 50 }));
    await relay.start();
    await eventually('row-0 dead', async () => (await relay.counts()).dead === 1);
    await fixture.produce(events('later', 2));
    relay.kick();
    await eventually('the later rows published', async () => (await relay.counts()).unpublished === 0);
    await sleep(300);
    const { rows } = await fixture.pool.query(`SELECT event_id, attempts, rejections, dead_at IS NOT NULL AS dead, published_at IS NOT NULL AS published, last_error FROM outbox_events ORDER BY id`);
    expect(rows[0]).toEqual({ event_id: 'row-0', attempts: 3, rejections: 3, dead: true, published: false, last_error: 'Error: maximum payload exceeded' });
    expect(rows.slice(1).map((row) => [row.event_id, row.published, row.dead])).toEqual([
      ['row-1', true, false],
      ['row-2', true, false],
      ['later-0', true, false],
      ['later-1', true, false],
    ]);
  });

  it('claims in the outbox id order past a power of ten (not the text order in which 10 comes before 9), so batches publish in order and leave nothing behind', async () => {
    const { fixture, bus } = await world();
    await fixture.produce(events('order', 25));
    const published: string[] = [];
    const recording: EventBus = {
      ...bus,
      publish: async (messages) => {
        published.push(...messages.map((m) => m.eventId));
        return bus.publish(messages);
      },
    };
    // One round of batches and no poll: a row left behind a batch's last id would stay unpublished.
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus: recording, log: silentLog, listen: false, batchSize: 10, idlePollMs: 60_000 }));
    await relay.start();
    await eventually('every row published', async () => (await relay.counts()).unpublished === 0, 5_000);
    expect(published).toEqual(Array.from({ length: 25 }, (_, i) => `order-${i}`));
  });

  it('retries a failed batch when its back-off ends while the batch claimed behind it is still being sent', async () => {
    const { fixture, bus } = await world();
    // Two full batches: the second is claimed while the first is sent. One event of the first
    // fails once; the second's publish outlasts the first's back-off (75-125 ms), so the retry's
    // timer fires while the relay still waits for it.
    await fixture.produce(events('overlap', 40));
    let calls = 0;
    const flaky: EventBus = {
      ...bus,
      publish: async (messages) => {
        calls += 1;
        if (calls === 1) {
          const acks = await bus.publish(messages.filter((m) => m.eventId !== 'overlap-5'));
          throw new PublishError('timed out', acks, [{ eventId: 'overlap-5', error: 'TimeoutError: timeout' }]);
        }
        if (calls === 2) await sleep(400);
        return bus.publish(messages);
      },
    };
    // No poll within the test's time: only the retry can publish the failed row.
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus: flaky, log: silentLog, listen: false, batchSize: 20, idlePollMs: 60_000 }));
    await relay.start();
    await eventually('every row published', async () => (await relay.counts()).unpublished === 0, 5_000);
    const { rows } = await fixture.pool.query(`SELECT attempts FROM outbox_events WHERE event_id = 'overlap-5'`);
    expect(rows).toEqual([{ attempts: 1 }]);
  });

  it('counts no rejection while the bus is down (a ping fails), only attempts', async () => {
    const { fixture, bus } = await world();
    let down = true;
    const outage: EventBus = {
      ...bus,
      publish: async (messages) => {
        if (down) throw new Error('nats: disconnected');
        return bus.publish(messages);
      },
      ping: async () => {
        if (down) throw new Error('nats: disconnected');
      },
    };
    await fixture.produce(events('outage', 2));
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus: outage, log: silentLog, listen: false, maxRejections: 2, maxBackoffMs: 30, idlePollMs: 30 }));
    await relay.start();
    await eventually('several failed tries', async () => (await fixture.outbox()).every((row) => row.attempts >= 4));
    expect(await relay.counts()).toEqual({ unpublished: 2, dead: 0 });
    down = false;
    await eventually('published after the outage', async () => (await relay.counts()).unpublished === 0);
    const { rows } = await fixture.pool.query(`SELECT rejections, dead_at FROM outbox_events`);
    expect(rows).toEqual([
      { rejections: 0, dead_at: null },
      { rejections: 0, dead_at: null },
    ]);
  });

  it('sends BEGIN with its claim and the stamp with COMMIT: two round trips to PostgreSQL per batch, the pool left as it was', async () => {
    const { fixture, bus } = await world();
    await fixture.produce(events('piped', 5));
    // Each statement with the statements still unanswered when it was written (0: the connection was idle).
    const written: { text: string; unanswered: number }[] = [];
    const clients = new Set<pg.PoolClient>();
    fixture.pool.on('acquire', (client) => {
      if (clients.has(client)) return;
      clients.add(client);
      let unanswered = 0;
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (config: unknown, ...rest: unknown[]) => {
        written.push({ text: (typeof config === 'string' ? config : (config as { text: string }).text).trim().split(/\s+/)[0] as string, unanswered });
        unanswered++;
        const result = query(config, ...rest);
        return result.finally(() => unanswered--);
      };
    });
    const relay = createOutboxRelay({ pool: fixture.pool, bus, log: silentLog, listen: false });
    expect(await relay.drain()).toBe(5);
    // The batch, then the claim that finds nothing left.
    expect(written).toEqual([
      { text: 'BEGIN', unanswered: 0 },
      { text: 'SELECT', unanswered: 1 },
      { text: 'UPDATE', unanswered: 0 },
      { text: 'COMMIT', unanswered: 1 },
      { text: 'BEGIN', unanswered: 0 },
      { text: 'SELECT', unanswered: 1 },
      { text: 'COMMIT', unanswered: 0 },
    ]);
    // Back in the pool, a connection runs one statement at a time again (as its other users expect).
    expect([...clients].every((client) => !(client as pg.PoolClient & { pipeline?: boolean }).pipeline)).toBe(true);
  });

  it('deletes published rows past the retention age, and keeps unpublished and dead ones', async () => {
    const { fixture, bus } = await world();
    await fixture.produce(events('kept', 4));
    const relay = track(createOutboxRelay({ pool: fixture.pool, bus, log: silentLog, listen: false, retentionMs: 60_000 }));
    expect(await relay.drain()).toBe(4);
    await fixture.pool.query(`UPDATE outbox_events SET published_at = now() - interval '2 minutes' WHERE event_id IN ('kept-0', 'kept-1')`);
    await fixture.pool.query(`UPDATE outbox_events SET published_at = NULL, dead_at = now() - interval '1 day' WHERE event_id = 'kept-2'`);
    await fixture.produce(events('waiting', 1));
    expect(await relay.prune()).toBe(2);
    const { rows } = await fixture.pool.query(`SELECT event_id FROM outbox_events ORDER BY id`);
    expect(rows.map((row) => row.event_id)).toEqual(['kept-2', 'kept-3', 'waiting-0']);
  });
});
