import { afterEach, describe, expect, it } from 'vitest';
import {
  DLQ_HEADERS,
  DLQ_STREAM,
  EVENT_TYPE_HEADER,
  PoisonMessageError,
  PublishError,
  type ConsumeOptions,
  type ConsumerHandle,
  type EventBus,
  type IncomingMessage,
  type OutgoingMessage,
} from './event-bus';
import { TEST_STREAM } from './testing/test-event';
import { eventually, nth, sleep } from './testing/wait';

/**
 * The behaviour both buses promise (JetStream in production, in-memory in embedded
 * mode). Run by jetstream-bus.int.spec.ts and in-memory-bus.spec.ts.
 */
export interface BusFixture {
  bus: EventBus;
  dispose(): Promise<void>;
}

const SUBJECT = 'govern.test.thing.happened';
const TYPE = 'govern.test.v1.ThingHappened';
const text = new TextEncoder();
const read = new TextDecoder();

const message = (eventId: string, body = eventId, subject = SUBJECT): OutgoingMessage => ({
  subject,
  eventId,
  eventType: TYPE,
  payload: text.encode(body),
});

interface Received {
  message: IncomingMessage;
  at: number;
}

export const eventBusContract = (name: string, makeFixture: () => Promise<BusFixture>): void => {
  describe(`EventBus contract: ${name}`, () => {
    let fixture: BusFixture | undefined;
    const handles: ConsumerHandle[] = [];

    const setup = async (): Promise<EventBus> => {
      fixture = await makeFixture();
      await fixture.bus.ensureStreams([TEST_STREAM]);
      return fixture.bus;
    };

    /** Starts a consumer that records every delivery and reacts as `behave` says. */
    const record = async (
      bus: EventBus,
      options: Partial<ConsumeOptions> & { behave?: (message: IncomingMessage) => Promise<void> | void },
    ): Promise<{ received: Received[]; handle: ConsumerHandle }> => {
      const received: Received[] = [];
      const handle = await bus.consume({
        durable: 'test_worker',
        stream: TEST_STREAM.name,
        subjects: ['govern.test.>'],
        maxDeliver: 3,
        backoffMs: [50],
        ackWaitMs: 2_000,
        ...options,
        handler: async (incoming) => {
          received.push({ message: incoming, at: Date.now() });
          await options.behave?.(incoming);
        },
      });
      handles.push(handle);
      return { received, handle };
    };

    const deadLetters = (bus: EventBus) =>
      record(bus, { durable: 'test_dlq_reader', stream: DLQ_STREAM.name, subjects: ['govern.dlq.>'] });

    const ids = (received: Received[]): string[] => received.map((entry) => entry.message.eventId);

    afterEach(async () => {
      for (const handle of handles.splice(0)) handle.abort();
      await fixture?.dispose();
      fixture = undefined;
    });

    it('delivers published events to a durable consumer with subject, id, type, headers and payload', async () => {
      const bus = await setup();
      const acks = await bus.publish([
        { ...message('e1', 'first'), headers: { 'Govern-Correlation-Id': 'c-1' } },
        message('e2', 'second'),
        message('e3', 'third', 'govern.test.thing.removed'),
      ]);
      expect(acks.map((ack) => [ack.eventId, ack.stream, ack.duplicate])).toEqual([
        ['e1', 'GOVERN_TEST', false],
        ['e2', 'GOVERN_TEST', false],
        ['e3', 'GOVERN_TEST', false],
      ]);
      expect(nth(acks, 1).seq).toBeGreaterThan(nth(acks, 0).seq);

      const { received } = await record(bus, {});
      await eventually('three deliveries', () => received.length === 3);
      expect(ids(received)).toEqual(['e1', 'e2', 'e3']);
      const first = nth(received, 0).message;
      expect(first).toMatchObject({ subject: SUBJECT, eventType: TYPE, deliveryCount: 1, stream: 'GOVERN_TEST' });
      expect(first.headers).toMatchObject({ 'Govern-Correlation-Id': 'c-1', [EVENT_TYPE_HEADER]: TYPE });
      expect(read.decode(first.payload)).toBe('first');
      expect(nth(received, 2).message.subject).toBe('govern.test.thing.removed');
    });

    it('stores an event id once within the duplicate window', async () => {
      const bus = await setup();
      const [first] = await bus.publish([message('dup-1', 'original')]);
      const [again] = await bus.publish([message('dup-1', 'imposter')]);
      expect(again).toMatchObject({ eventId: 'dup-1', duplicate: true, seq: first?.seq });
      await bus.publish([message('dup-2')]);

      const { received } = await record(bus, {});
      await eventually('the event after the duplicate', () => ids(received).includes('dup-2'));
      await sleep(200);
      expect(ids(received)).toEqual(['dup-1', 'dup-2']);
      expect(read.decode(nth(received, 0).message.payload)).toBe('original');
    });

    it('redelivers a failed event after its backoff until the handler succeeds', async () => {
      const bus = await setup();
      const backoffMs = [150, 300];
      const { received } = await record(bus, {
        maxDeliver: 5,
        backoffMs,
        behave: (incoming) => {
          if (incoming.deliveryCount < 3) throw new Error(`transient failure ${incoming.deliveryCount}`);
        },
      });
      await bus.publish([message('retry-1')]);
      await eventually('third delivery', () => received.length === 3);
      await sleep(400);
      expect(received.map((entry) => entry.message.deliveryCount)).toEqual([1, 2, 3]);
      const gaps = [nth(received, 1).at - nth(received, 0).at, nth(received, 2).at - nth(received, 1).at];
      expect(gaps[0]).toBeGreaterThanOrEqual(nth(backoffMs, 0) * 0.9);
      expect(gaps[1]).toBeGreaterThanOrEqual(nth(backoffMs, 1) * 0.9);
    });

    it('dead-letters an event that fails maxDeliver times, with where it came from and why', async () => {
      const bus = await setup();
      const { received } = await record(bus, {
        maxDeliver: 3,
        backoffMs: [50, 100],
        behave: (incoming) => {
          throw new Error(`boom for ${incoming.eventId}\nsecond line`);
        },
      });
      const dlq = await deadLetters(bus);
      await bus.publish([message('doomed-1', 'payload-of-doomed')]);

      await eventually('a dead letter', () => dlq.received.length === 1);
      await sleep(300);
      expect(received.map((entry) => entry.message.deliveryCount)).toEqual([1, 2, 3]);
      expect(dlq.received).toHaveLength(1);
      const letter = nth(dlq.received, 0).message;
      expect(letter.subject).toBe('govern.dlq.GOVERN_TEST.test_worker');
      expect(letter.eventType).toBe(TYPE);
      expect(read.decode(letter.payload)).toBe('payload-of-doomed');
      expect(letter.headers).toMatchObject({
        [DLQ_HEADERS.subject]: SUBJECT,
        [DLQ_HEADERS.stream]: 'GOVERN_TEST',
        [DLQ_HEADERS.consumer]: 'test_worker',
        [DLQ_HEADERS.eventId]: 'doomed-1',
        [DLQ_HEADERS.deliveries]: '3',
      });
      expect(letter.headers[DLQ_HEADERS.error]).toBe('Error: boom for doomed-1 second line');
    });

    it('reports each started consumer: not yet acknowledged, pulling, and its dead letters; a stopped one no longer', async () => {
      const bus = await setup();
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      await bus.publish([message('s1'), message('s2'), message('s3'), message('poison')]);
      const { received, handle } = await record(bus, {
        maxBatch: 1,
        behave: async (incoming) => {
          if (incoming.eventId === 'poison') throw new PoisonMessageError('cannot be read');
          if (incoming.eventId === 's1') await held;
        },
      });
      await eventually('the first delivery', () => received.length === 1);
      const holding = (await bus.consumerStats?.()) ?? [];
      expect(holding).toHaveLength(1);
      expect(holding[0]).toMatchObject({ consumer: 'test_worker', stream: 'GOVERN_TEST', lag: 4, up: true, deadLetters: 0 });
      // Not yet delivered: what the client has not pulled (JetStream buffers ahead; in-process nothing).
      expect(nth(holding, 0).pending).toBeLessThanOrEqual(3);

      release();
      let settled = holding;
      await eventually('everything acknowledged, the poison dead-lettered', async () => {
        settled = (await bus.consumerStats?.()) ?? [];
        return settled[0]?.lag === 0 && settled[0]?.deadLetters === 1;
      });
      expect(settled).toEqual([{ consumer: 'test_worker', stream: 'GOVERN_TEST', pending: 0, lag: 0, up: true, deadLetters: 1 }]);

      await handle.stop();
      expect(await bus.consumerStats?.()).toEqual([]);
    });

    it('keeps later events flowing past a poison event and a failing one', async () => {
      const bus = await setup();
      const handled: string[] = [];
      const { received } = await record(bus, {
        maxDeliver: 3,
        backoffMs: [300],
        behave: (incoming) => {
          if (incoming.eventId === 'poison') throw new PoisonMessageError('cannot be read');
          if (incoming.eventId === 'failing') throw new Error('always fails');
          handled.push(incoming.eventId);
        },
      });
      const dlq = await deadLetters(bus);
      await bus.publish([message('poison'), message('failing'), message('ok-1'), message('ok-2')]);

      await eventually('the healthy events', () => handled.length === 2);
      expect(handled).toEqual(['ok-1', 'ok-2']);
      // The failing event is still being retried (300 ms apart) while the healthy ones are done.
      expect(dlq.received.map((entry) => entry.message.headers[DLQ_HEADERS.eventId])).not.toContain('failing');

      await eventually('both dead letters', () => dlq.received.length === 2);
      const letters = Object.fromEntries(dlq.received.map((entry) => [entry.message.headers[DLQ_HEADERS.eventId], entry.message.headers]));
      expect(letters['poison']).toMatchObject({ [DLQ_HEADERS.deliveries]: '1', [DLQ_HEADERS.error]: 'PoisonMessageError: cannot be read' });
      expect(letters['failing']).toMatchObject({ [DLQ_HEADERS.deliveries]: '3' });
      expect(received.filter((entry) => entry.message.eventId === 'poison')).toHaveLength(1);
    });

    it("keeps a durable consumer's position across a restart", async () => {
      const bus = await setup();
      const first = await record(bus, {});
      await bus.publish([message('before-1'), message('before-2')]);
      await eventually('first two', () => first.received.length === 2);
      await first.handle.stop();

      await bus.publish([message('after-1'), message('after-2')]);
      // Restarted with changed settings: the durable is updated, its position kept.
      const second = await record(bus, { ackWaitMs: 1_500, maxDeliver: 4 });
      await eventually('the two published while stopped', () => second.received.length === 2);
      await sleep(300);
      expect(ids(second.received)).toEqual(['after-1', 'after-2']);
      expect(second.received.every((entry) => entry.message.deliveryCount === 1)).toBe(true);
    });

    it('redelivers, after the ack wait, an event whose consumer died before acking it', async () => {
      const bus = await setup();
      const ackWaitMs = 600;
      const dying: { handle?: ConsumerHandle } = {};
      const first = await record(bus, {
        ackWaitMs,
        behave: () => {
          // The process "dies" with the event in hand: no ack, no nak.
          dying.handle?.abort();
        },
      });
      dying.handle = first.handle;
      const diedAt = Date.now();
      await bus.publish([message('in-hand')]);
      await eventually('first delivery', () => first.received.length === 1);

      const second = await record(bus, { ackWaitMs });
      await eventually('redelivery to the restarted consumer', () => second.received.length === 1);
      expect(nth(second.received, 0).message).toMatchObject({ eventId: 'in-hand', deliveryCount: 2 });
      expect(nth(second.received, 0).at - diedAt).toBeGreaterThanOrEqual(ackWaitMs * 0.9);
      await sleep(ackWaitMs + 200);
      expect(first.received).toHaveLength(1);
      expect(second.received).toHaveLength(1);
    });

    it('delivers only the subjects a consumer asked for, and shares a durable between handles', async () => {
      const bus = await setup();
      const removed = await record(bus, { durable: 'test_removed', subjects: ['govern.test.thing.removed'] });
      const a = await record(bus, { durable: 'test_shared' });
      const b = await record(bus, { durable: 'test_shared' });
      const events = Array.from({ length: 20 }, (_, i) => message(`m-${i}`, `m-${i}`, i % 4 === 0 ? 'govern.test.thing.removed' : SUBJECT));
      await bus.publish(events);

      await eventually('all twenty on the shared durable', () => a.received.length + b.received.length === 20);
      await eventually('the five removals', () => removed.received.length === 5);
      await sleep(200);
      expect(new Set([...ids(a.received), ...ids(b.received)]).size).toBe(20);
      expect(ids(removed.received)).toEqual(['m-0', 'm-4', 'm-8', 'm-12', 'm-16']);
    });

    it('hands messages that arrived together to handleBatch in stream order and settles each by its own outcome', async () => {
      const bus = await setup();
      await bus.publish(Array.from({ length: 30 }, (_, i) => message(`b-${i}`)));
      const batches: string[][] = [];
      const dlq = await deadLetters(bus);
      const handle = await bus.consume({
        durable: 'test_batches',
        stream: TEST_STREAM.name,
        subjects: ['govern.test.>'],
        maxDeliver: 2,
        backoffMs: [50],
        ackWaitMs: 2_000,
        maxBatch: 8,
        handler: async () => {
          throw new Error('a batch consumer gets single messages through handleBatch too');
        },
        handleBatch: async (incoming) => {
          batches.push(incoming.map((m) => `${m.eventId}#${m.deliveryCount}`));
          return incoming.map((m) => (m.eventId === 'b-3' ? new Error('b-3 fails') : m.eventId === 'b-5' ? new PoisonMessageError('b-5 is poison') : undefined));
        },
      });
      handles.push(handle);
      await eventually('b-3 dead-lettered after its second try', () => dlq.received.length === 2);
      await sleep(300);
      const seen = batches.flat();
      expect(batches.every((batch) => batch.length <= 8)).toBe(true);
      expect(batches.some((batch) => batch.length > 1)).toBe(true);
      // First deliveries in stream order; only the failed one came back.
      expect(seen.filter((id) => id.endsWith('#1'))).toEqual(Array.from({ length: 30 }, (_, i) => `b-${i}#1`));
      expect(seen.filter((id) => !id.endsWith('#1'))).toEqual(['b-3#2']);
      expect(dlq.received.map((entry) => entry.message.headers[DLQ_HEADERS.eventId]).sort()).toEqual(['b-3', 'b-5']);
      expect(handle.health()).toMatchObject({ up: true });
      await bus.ping();
    });

    it('fails a whole batch when handleBatch rejects, and redelivers each of its messages', async () => {
      const bus = await setup();
      let calls = 0;
      const handled: string[] = [];
      const handle = await bus.consume({
        durable: 'test_batch_reject',
        stream: TEST_STREAM.name,
        subjects: ['govern.test.>'],
        maxDeliver: 3,
        backoffMs: [50],
        ackWaitMs: 2_000,
        handler: async (incoming) => {
          handled.push(incoming.eventId);
        },
        handleBatch: async (incoming) => {
          if (calls++ === 0) throw new Error('database down');
          handled.push(...incoming.map((m) => m.eventId));
          return incoming.map(() => undefined);
        },
      });
      handles.push(handle);
      await bus.publish([message('r-1'), message('r-2'), message('r-3')]);
      await eventually('all three after the failed batch', () => new Set(handled).size === 3);
      await sleep(200);
      expect(handled.sort()).toEqual(['r-1', 'r-2', 'r-3']);
    });

    it('ensures streams idempotently, also concurrently, and refuses subjects no stream takes', async () => {
      const bus = await setup();
      await Promise.all([bus.ensureStreams([TEST_STREAM]), bus.ensureStreams([TEST_STREAM]), bus.ensureStreams([TEST_STREAM])]);
      await bus.ensureStreams([TEST_STREAM]);
      const [ack] = await bus.publish([message('after-ensure')]);
      expect(ack).toMatchObject({ duplicate: false, stream: 'GOVERN_TEST' });
      // A stream that grows a subject is updated in place, keeping what it holds.
      await bus.ensureStreams([{ ...TEST_STREAM, subjects: [...TEST_STREAM.subjects, 'govern.test2.>'] }]);
      const [grown] = await bus.publish([message('on-new-subject', 'x', 'govern.test2.thing.happened')]);
      expect(grown).toMatchObject({ stream: 'GOVERN_TEST', seq: (ack?.seq ?? 0) + 1 });

      const failure = await bus.publish([message('lost', 'x', 'govern.nowhere.thing.happened'), message('kept')]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PublishError);
      expect((failure as PublishError).failed.map((f) => f.eventId)).toEqual(['lost']);
      expect((failure as PublishError).acked.map((a) => a.eventId)).toEqual(['kept']);
    });
  });
};
