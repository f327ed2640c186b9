import { testInfra } from '@govern/platform-testing';
import { describe, expect, it } from 'vitest';
import { startConsumer } from './consumer';
import { DLQ_HEADERS, type EventBus, type OutgoingMessage } from './event-bus';
import { createInMemoryBus } from './in-memory-bus';
import { createJetStreamBus } from './jetstream-bus';
import { toOutgoing } from './outbox';
import { readDeadLetters, silentLog, useFlowWorlds } from './testing/flow-fixture';
import { TEST_STREAM, ThingHappenedCodec, ThingHappenedEvent, thingHappened } from './testing/test-event';
import { eventually, sleep } from './testing/wait';

/**
 * The inbox consumer's promises, on both buses (with PostgreSQL): dedupe on the event's own
 * id whatever message id carried it, one effect per claimed fact, and batches in which one
 * failing event neither undoes nor holds back the others.
 */
const DUPLICATE_WINDOW_MS = 300;

const buses: [string, (namespace: string) => Promise<EventBus>][] = [
  ['JetStream', async (namespace) => createJetStreamBus({ natsUrl: (await testInfra()).natsUrl, log: silentLog, namespace, duplicateWindowMs: DUPLICATE_WINDOW_MS })],
  ['in-memory', async (namespace) => createInMemoryBus({ log: silentLog, namespace, duplicateWindowMs: DUPLICATE_WINDOW_MS })],
];

describe.each(buses)('inbox consumer on the %s bus', (_name, makeBus) => {
  const { world, track } = useFlowWorlds({ makeBus });
  /** The same encoded event under another transport message id (a replay tool, a bridge). */
  const under = (message: OutgoingMessage, messageId: string): OutgoingMessage => ({ ...message, eventId: messageId });
  const asMessage = (eventId: string, thingId = eventId): OutgoingMessage => {
    const event = toOutgoing(ThingHappenedEvent, thingHappened(eventId, thingId));
    return { subject: event.subject, eventId: event.eventId, eventType: event.eventType, payload: event.payload };
  };

  it('applies an event once when it is re-published under new message ids, within and after the duplicate window', async () => {
    const { fixture, bus } = await world();
    track(await fixture.startCounting(bus));
    const original = asMessage('evt-replayed');
    await bus.publish([original, under(original, 'bridge-copy-1')]);
    await sleep(DUPLICATE_WINDOW_MS * 2);
    // Past the window the bus stores the same message id again too.
    const acks = await bus.publish([under(original, 'bridge-copy-2'), original, asMessage('sentinel')]);
    expect(acks.map((ack) => ack.duplicate)).toEqual([false, false, false]);
    await eventually('the sentinel', async () => (await fixture.effects()).has('sentinel'));
    await sleep(200);
    expect(await fixture.effects()).toEqual(new Map([['evt-replayed', 1], ['sentinel', 1]]));
    const { rows } = await fixture.pool.query(`SELECT event_id FROM inbox_events ORDER BY event_id`);
    expect(rows.map((row) => row.event_id)).toEqual(['evt-replayed', 'sentinel']);
  });

  it('claims a real-world fact once: a second event announcing the same fact has no effect', async () => {
    const { fixture, bus } = await world();
    track(
      await startConsumer({
        bus,
        db: fixture.db,
        consumer: 'test_facts',
        stream: TEST_STREAM.name,
        eventTypes: [ThingHappenedEvent],
        log: silentLog,
        backoffMs: [50],
        handler: async (event, ctx) => {
          if (!(await ctx.claimOnce(`thing:${event.thingId}`))) return;
          await ctx.tx.$executeRawUnsafe(`INSERT INTO effects (event_id, count) VALUES ($1, 1)`, ctx.eventId);
        },
      }),
    );
    // Two distinct events (new meta.event_id each) about the same thing, and one about another.
    await bus.publish([asMessage('first-report', 'lab-result-7'), asMessage('second-report', 'lab-result-7'), asMessage('other', 'lab-result-8')]);
    await eventually('the other fact', async () => (await fixture.effects()).has('other'));
    await sleep(200);
    expect(await fixture.effects()).toEqual(new Map([['first-report', 1], ['other', 1]]));
    const { rows } = await fixture.pool.query(`SELECT fact, event_id FROM consumed_facts ORDER BY fact`);
    expect(rows).toEqual([
      { fact: 'thing:lab-result-7', event_id: 'first-report' },
      { fact: 'thing:lab-result-8', event_id: 'other' },
    ]);
  });

  it('applies only what supersedes the version applied last: an older or equal one changes nothing', async () => {
    const { fixture, bus } = await world();
    track(
      await startConsumer({
        bus,
        db: fixture.db,
        consumer: 'test_versions',
        stream: TEST_STREAM.name,
        eventTypes: [ThingHappenedEvent],
        log: silentLog,
        backoffMs: [50],
        handler: async (event, ctx) => {
          if (!(await ctx.supersedes(`score:${event.thingId}`, event.meta?.occurredAt ?? new Date()))) return;
          await ctx.tx.$executeRawUnsafe(`INSERT INTO effects (event_id, count) VALUES ($1, 1)`, ctx.eventId);
        },
      }),
    );
    const at = (eventId: string, iso: string): OutgoingMessage => {
      const event = toOutgoing(ThingHappenedEvent, { ...thingHappened(eventId, 'merchant-1'), meta: { eventId, occurredAt: new Date(iso), causationId: '', correlationId: '' } });
      return { subject: event.subject, eventId: event.eventId, eventType: event.eventType, payload: event.payload };
    };
    await bus.publish([
      at('v2', '2026-11-02T00:00:00Z'),
      at('v1-late', '2026-11-01T00:00:00Z'),
      at('v2-again', '2026-11-02T00:00:00Z'),
      at('v3', '2026-11-03T00:00:00Z'),
      asMessage('sentinel'),
    ]);
    await eventually('the sentinel', async () => (await fixture.effects()).has('sentinel'));
    await sleep(200);
    expect([...(await fixture.effects()).keys()].sort()).toEqual(['sentinel', 'v2', 'v3']);
  });

  it('handles a batch in which one event keeps failing: the others are applied once, the failing one is dead-lettered', async () => {
    const { fixture, bus } = await world();
    const { letters, reader } = await readDeadLetters(bus);
    track(reader);
    const messages = Array.from({ length: 20 }, (_, i) => asMessage(`batch-${i}`, i === 7 ? 'fail-forever' : `thing-${i}`));
    await bus.publish(messages);
    track(await fixture.startCounting(bus, { maxDeliver: 3 }));
    await eventually('the failing event dead-lettered', () => letters.length === 1);
    await eventually('the nineteen others', async () => (await fixture.effects()).size === 19);
    await sleep(200);
    const effects = await fixture.effects();
    expect([...effects.values()].every((count) => count === 1)).toBe(true);
    expect(effects.has('batch-7')).toBe(false);
    expect(letters[0]?.headers[DLQ_HEADERS.eventId]).toBe('batch-7');
    expect(letters[0]?.headers[DLQ_HEADERS.error]).toBe('Error: cannot handle fail-forever');
  });

  it("in the platform's transaction (database): pipelined effects are applied once, and one whose statement fails fails alone", async () => {
    const { fixture, bus } = await world();
    const { letters, reader } = await readDeadLetters(bus);
    track(reader);
    const messages = Array.from({ length: 20 }, (_, i) => asMessage(`piped-${i}`, i === 5 ? 'bad-statement' : `thing-${i}`));
    // A copy of one under another message id in the same batch: the inbox keeps it to one effect.
    await bus.publish([...messages, under(messages[3] as OutgoingMessage, 'bridge-copy')]);
    track(
      await startConsumer({
        bus,
        database: { pool: fixture.pool },
        consumer: 'test_pipelined',
        stream: TEST_STREAM.name,
        eventTypes: [ThingHappenedEvent],
        log: silentLog,
        maxDeliver: 2,
        backoffMs: [50],
        handler: async (event, ctx) => {
          if (!(await ctx.claimOnce(`thing:${event.thingId}`))) return;
          // Sent without waiting: the failure (NULL count) only shows at COMMIT, after the other handlers ran.
          ctx.sql.send(`INSERT INTO effects (event_id, count) VALUES ($1, $2)`, [ctx.eventId, event.thingId === 'bad-statement' ? null : 1]);
        },
      }),
    );
    await eventually('the failing event dead-lettered', () => letters.length === 1);
    await eventually('the nineteen others', async () => (await fixture.effects()).size === 19);
    await sleep(200);
    const effects = await fixture.effects();
    expect([...effects.values()].every((count) => count === 1)).toBe(true);
    expect(effects.has('piped-5')).toBe(false);
    expect(letters[0]?.headers[DLQ_HEADERS.eventId]).toBe('piped-5');
    expect(letters[0]?.headers[DLQ_HEADERS.error]).toMatch(/null value in column "count"/);
    const { rows } = await fixture.pool.query(`SELECT count(*)::int AS n FROM consumed_facts WHERE consumer = 'test_pipelined'`);
    expect(rows[0]?.n).toBe(19);
  });

  it('dead-letters an event that carries no meta.event_id', async () => {
    const { fixture, bus } = await world();
    const { letters, reader } = await readDeadLetters(bus);
    track(reader);
    track(await fixture.startCounting(bus));
    const anonymous = ThingHappenedCodec.encode({ thingId: 'no-meta' }).finish();
    await bus.publish([{ subject: ThingHappenedEvent.subject, eventId: 'transport-only', eventType: ThingHappenedEvent.typeName, payload: anonymous }, asMessage('sentinel')]);
    await eventually('the dead letter', () => letters.length === 1);
    await eventually('the sentinel', async () => (await fixture.effects()).has('sentinel'));
    expect(letters[0]?.headers[DLQ_HEADERS.error]).toMatch(/without meta.event_id \(message id transport-only\)/);
    expect((await fixture.effects()).size).toBe(1);
  });
});
