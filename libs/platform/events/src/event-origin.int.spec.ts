import { defineEventType } from '@govern/contracts-common';
import { testInfra } from '@govern/platform-testing';
import { describe, expect, it } from 'vitest';
import { startConsumer } from './consumer';
import { DLQ_HEADERS, type ConsumerHandle, type EventBus, type IncomingMessage, type OutgoingMessage } from './event-bus';
import { createInMemoryBus } from './in-memory-bus';
import { createJetStreamBus } from './jetstream-bus';
import { toOutgoing } from './outbox';
import { readDeadLetters, silentLog, useFlowWorlds } from './testing/flow-fixture';
import { TEST_STREAM, ThingHappenedCodec, ThingHappenedEvent, ThingRemovedEvent, thingHappened } from './testing/test-event';
import { eventually, present, sleep } from './testing/wait';

/**
 * The consumer's origin check (issue 12), on both buses: an event is believed only when its
 * type belongs to the producer whose subjects and stream it came on, and on the subject the
 * type is declared on. Anything else is dead-lettered at once with the reason and never handled;
 * the events behind it are.
 */
/** A type of another producer (`other`), which this consumer knows, as a consumer of two producers would. */
const OtherThingEvent = defineEventType('govern.other.v1.ThingHappened', 'govern.other.thing.happened', ThingHappenedCodec);

const buses: [string, (namespace: string) => Promise<EventBus>][] = [
  ['JetStream', async (namespace) => createJetStreamBus({ natsUrl: (await testInfra()).natsUrl, log: silentLog, namespace })],
  ['in-memory', async (namespace) => createInMemoryBus({ log: silentLog, namespace })],
];

describe.each(buses)('event origin check on the %s bus', (_name, makeBus) => {
  const { flowFixture, cleanup } = useFlowWorlds();

  it('dead-letters another producer’s type on this producer’s subjects, and a type on a subject it is not declared on, with the reason; handles what follows', async () => {
    const { fixture } = await flowFixture();
    const { db } = fixture;
    const bus = await makeBus(fixture.namespace);
    cleanup.push(() => bus.close());
    await bus.ensureStreams([TEST_STREAM]);
    const handled: string[] = [];
    const track = (handle: ConsumerHandle): void => void cleanup.push(() => handle.stop());
    const { letters, reader } = await readDeadLetters(bus);
    track(reader);
    track(
      await startConsumer({
        bus,
        db,
        consumer: 'test_origin',
        stream: TEST_STREAM.name,
        subjects: ['govern.test.>'],
        eventTypes: [ThingHappenedEvent, ThingRemovedEvent, OtherThingEvent],
        // A refused origin must not be retried: one delivery, whatever the bound.
        maxDeliver: 5,
        backoffMs: [50],
        log: silentLog,
        handler: async (_event, ctx) => void handled.push(ctx.eventId),
      }),
    );
    const message = (type: typeof ThingHappenedEvent, eventId: string, subject = type.subject): OutgoingMessage => {
      const event = toOutgoing(type, thingHappened(eventId));
      return { subject, eventId, eventType: event.eventType, payload: event.payload };
    };
    await bus.publish([
      // The producer of `govern.test.…` sending another producer's type on its own subjects.
      message(OtherThingEvent, 'foreign-type', 'govern.test.thing.happened'),
      // Its own type, on a subject the type is not declared on.
      message(ThingRemovedEvent, 'wrong-subject', 'govern.test.thing.happened'),
      message(ThingHappenedEvent, 'sentinel'),
    ]);

    await eventually('two dead letters and the sentinel', () => letters.length === 2 && handled.includes('sentinel'));
    await sleep(200);
    expect(handled).toEqual(['sentinel']);
    const letter = (eventId: string): IncomingMessage => present(letters.find((l) => l.headers[DLQ_HEADERS.eventId] === eventId), eventId);
    expect(letter('foreign-type').headers).toMatchObject({ [DLQ_HEADERS.deliveries]: '1', [DLQ_HEADERS.consumer]: 'test_origin', [DLQ_HEADERS.subject]: 'govern.test.thing.happened' });
    expect(letter('foreign-type').headers[DLQ_HEADERS.error]).toBe(
      'PoisonMessageError: event origin refused: event type "govern.other.v1.ThingHappened" belongs to other but was published on "govern.test.thing.happened" (test\'s subjects)',
    );
    expect(letter('wrong-subject').headers[DLQ_HEADERS.deliveries]).toBe('1');
    expect(letter('wrong-subject').headers[DLQ_HEADERS.error]).toBe(
      'PoisonMessageError: event origin refused: event type "govern.test.v1.ThingRemoved" is published on govern.test.thing.removed, not "govern.test.thing.happened"',
    );
    // Nothing of the refused events reached the inbox: no effect, no "already processed" later.
    const { rows } = await fixture.pool.query(`SELECT event_id FROM inbox_events ORDER BY event_id`);
    expect(rows.map((row) => row.event_id)).toEqual(['sentinel']);
  });
});
