import type { StreamSpec } from '@govern/contracts-common';
import type { Logger } from 'pino';
import { consumerRegistry } from './consumer-registry';
import type { DeadLetterQueue, StoredDeadLetterMessage } from './dead-letters';
import { DEFAULT_ACK_WAIT_MS, checkConsumeOptions, maxBatchOf, processBatch, type Delivery } from './delivery';
import {
  DLQ_STREAM,
  dlqSubject,
  DEFAULT_DUPLICATE_WINDOW_MS,
  EVENT_TYPE_HEADER,
  settlePublish,
  type ConsumeOptions,
  type ConsumerHandle,
  type ConsumerStats,
  type EventBus,
  type IncomingMessage,
  type OutgoingMessage,
  type PublishAck,
} from './event-bus';
import { namespacing, subjectMatches, subjectsOverlap } from './subjects';

/**
 * The event bus of embedded mode: streams, durable consumers and dead letters in this
 * process, with JetStream's delivery rules (at-least-once, explicit ack, ack wait,
 * redelivery with backoff, dedupe by event id within a window). State lives as long as
 * the process: events published but not yet consumed are lost on exit, which the
 * outbox does not cover (rows are marked sent once the bus accepted them).
 */
export interface InMemoryBusOptions {
  log: Logger;
  namespace?: string;
  /** How long event ids are remembered to drop repeats; default 2 min as JetStream. */
  duplicateWindowMs?: number;
  /** Oldest messages are discarded beyond this, per stream; default 100 000. */
  maxMessagesPerStream?: number;
}

interface StoredMessage {
  seq: number;
  subject: string;
  eventId: string;
  headers: Record<string, string>;
  payload: Uint8Array;
  /** When it was stored (the dead-letter time, for dead letters). */
  at: number;
}

interface StreamState {
  name: string;
  subjects: string[];
  messages: StoredMessage[];
  /** Sequence of messages[0]. */
  firstSeq: number;
  lastSeq: number;
  /** event id -> seq and when it was stored (insertion order = time order). */
  seen: Map<string, { seq: number; at: number }>;
  consumers: Map<string, ConsumerState>;
}

interface PendingEntry {
  deliveries: number;
  /** When it may be delivered (again): after a nak's delay or when the ack wait runs out. */
  availableAt: number;
}

interface ConsumerState {
  stream: StreamState;
  durable: string;
  filters: string[];
  ackWaitMs: number;
  /** Next stream sequence not yet delivered. */
  cursor: number;
  pending: Map<number, PendingEntry>;
  waiters: Set<() => void>;
}

const wake = (consumer: ConsumerState): void => {
  for (const waiter of [...consumer.waiters]) waiter();
};

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const createInMemoryBus = (options: InMemoryBusOptions): EventBus => {
  const log = options.log.child({ component: 'event-bus', bus: 'in-memory' });
  const ns = namespacing(options.namespace);
  const duplicateWindowMs = options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  const maxMessages = options.maxMessagesPerStream ?? 100_000;
  const streams = new Map<string, StreamState>();
  const handles = new Set<ConsumerHandle>();
  /** What consumerStats reports, per started handle. */
  const started = new Map<ConsumerHandle, () => ConsumerStats>();
  const running = consumerRegistry();
  let closed = false;

  const ensureStream = (spec: StreamSpec): void => {
    const name = ns.stream(spec.name);
    const subjects = spec.subjects.map(ns.subject);
    for (const other of streams.values()) {
      if (other.name === name) continue;
      const clash = subjects.find((subject) => other.subjects.some((taken) => subjectsOverlap(subject, taken)));
      if (clash) throw new Error(`could not create stream ${name}: subject ${clash} overlaps stream ${other.name}`);
    }
    const existing = streams.get(name);
    if (existing) {
      existing.subjects = subjects;
      return;
    }
    streams.set(name, { name, subjects, messages: [], firstSeq: 1, lastSeq: 0, seen: new Map(), consumers: new Map() });
  };

  const store = (message: OutgoingMessage): PublishAck => {
    if (closed) throw new Error('event bus is closed');
    const subject = ns.subject(message.subject);
    const stream = [...streams.values()].find((candidate) => candidate.subjects.some((pattern) => subjectMatches(pattern, subject)));
    if (!stream) throw new Error(`no stream takes subject ${subject}`);
    const now = Date.now();
    for (const [eventId, entry] of stream.seen) {
      if (entry.at > now - duplicateWindowMs) break;
      stream.seen.delete(eventId);
    }
    const previous = stream.seen.get(message.eventId);
    if (previous) return { eventId: message.eventId, stream: ns.unstream(stream.name), seq: previous.seq, duplicate: true };
    const seq = ++stream.lastSeq;
    const headers = { ...message.headers, ...(message.eventType ? { [EVENT_TYPE_HEADER]: message.eventType } : {}) };
    stream.messages.push({ seq, subject, eventId: message.eventId, headers, payload: Uint8Array.from(message.payload), at: now });
    stream.seen.set(message.eventId, { seq, at: now });
    while (stream.messages.length > maxMessages) {
      stream.messages.shift();
      stream.firstSeq++;
    }
    for (const consumer of stream.consumers.values()) wake(consumer);
    return { eventId: message.eventId, stream: ns.unstream(stream.name), seq, duplicate: false };
  };

  const publish = async (messages: readonly OutgoingMessage[]): Promise<PublishAck[]> => {
    const results = messages.map((message): PromiseSettledResult<PublishAck> => {
      try {
        return { status: 'fulfilled', value: store(message) };
      } catch (error) {
        return { status: 'rejected', reason: error };
      }
    });
    return settlePublish(messages, results);
  };

  const messageAt = (stream: StreamState, seq: number): StoredMessage | undefined => stream.messages[seq - stream.firstSeq];

  /** The next message this consumer may deliver now, or how long until one may be. */
  const take = (consumer: ConsumerState): { message: StoredMessage; entry: PendingEntry } | { waitMs: number } => {
    const now = Date.now();
    let waitMs = Number.POSITIVE_INFINITY;
    // Redeliveries first, in stream order, as JetStream does.
    for (const [seq, entry] of [...consumer.pending].sort(([a], [b]) => a - b)) {
      const message = messageAt(consumer.stream, seq);
      if (!message) {
        consumer.pending.delete(seq);
        continue;
      }
      if (entry.availableAt <= now) {
        entry.deliveries++;
        entry.availableAt = now + consumer.ackWaitMs;
        return { message, entry };
      }
      waitMs = Math.min(waitMs, entry.availableAt - now);
    }
    consumer.cursor = Math.max(consumer.cursor, consumer.stream.firstSeq);
    while (consumer.cursor <= consumer.stream.lastSeq) {
      const message = messageAt(consumer.stream, consumer.cursor++);
      if (message && consumer.filters.some((pattern) => subjectMatches(pattern, message.subject))) {
        const entry = { deliveries: 1, availableAt: now + consumer.ackWaitMs };
        consumer.pending.set(message.seq, entry);
        return { message, entry };
      }
    }
    return { waitMs };
  };

  const consume = async (consumeOptions: ConsumeOptions): Promise<ConsumerHandle> => {
    checkConsumeOptions(consumeOptions);
    if (closed) throw new Error('event bus is closed');
    ensureStream(DLQ_STREAM);
    const stream = streams.get(ns.stream(consumeOptions.stream));
    if (!stream) throw new Error(`could not create consumer ${consumeOptions.durable}: stream ${ns.stream(consumeOptions.stream)} not found`);
    const filters = consumeOptions.subjects.map(ns.subject);
    const ackWaitMs = consumeOptions.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    let consumer = stream.consumers.get(consumeOptions.durable);
    if (consumer) {
      consumer.filters = filters;
      consumer.ackWaitMs = ackWaitMs;
    } else {
      consumer = { stream, durable: consumeOptions.durable, filters, ackWaitMs, cursor: 1, pending: new Map(), waiters: new Set() };
      stream.consumers.set(consumeOptions.durable, consumer);
    }
    const state = consumer;
    const unregister = running.add(consumeOptions);
    const consumerLog = log.child({ consumer: consumeOptions.durable, stream: stream.name });
    let stopping = false;
    let aborted = false;
    let interrupt: (() => void) | undefined;

    const toDelivery = (message: StoredMessage, entry: PendingEntry): Delivery => {
      const settle = (): boolean => !aborted && state.pending.get(message.seq) === entry;
      const incoming: IncomingMessage = {
        subject: ns.unprefix(message.subject),
        eventId: message.eventId,
        eventType: message.headers[EVENT_TYPE_HEADER] ?? '',
        payload: message.payload,
        headers: { ...message.headers },
        deliveryCount: entry.deliveries,
        stream: consumeOptions.stream,
        streamSequence: message.seq,
      };
      return {
        message: incoming,
        ack: async () => {
          if (settle()) state.pending.delete(message.seq);
        },
        nak: (delayMs) => {
          if (!settle()) return;
          entry.availableAt = Date.now() + delayMs;
          wake(state);
        },
        term: () => {
          if (settle()) state.pending.delete(message.seq);
        },
        working: () => {
          if (settle()) entry.availableAt = Date.now() + state.ackWaitMs;
        },
        live: () => !aborted,
      };
    };

    const waitFor = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          state.waiters.delete(done);
          interrupt = undefined;
          resolve();
        };
        const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(1, ms)) : undefined;
        state.waiters.add(done);
        interrupt = done;
      });

    const maxBatch = maxBatchOf(consumeOptions);
    const loop = (async () => {
      while (!stopping && !aborted) {
        const next = take(state);
        if ('waitMs' in next) {
          await waitFor(next.waitMs);
          continue;
        }
        // Whatever else may be delivered right now goes in the same batch, as a JetStream pull would bring it.
        const batch = [toDelivery(next.message, next.entry)];
        while (batch.length < maxBatch) {
          const more = take(state);
          if ('waitMs' in more) break;
          batch.push(toDelivery(more.message, more.entry));
        }
        await processBatch(batch, consumeOptions, (letter) => publish([letter]), consumerLog);
        await yieldToEventLoop();
      }
    })().catch((error: unknown) => consumerLog.error({ err: error }, 'consumer stopped with an error'));

    const handle: ConsumerHandle = {
      async stop() {
        handles.delete(handle);
        started.delete(handle);
        unregister();
        stopping = true;
        interrupt?.();
        await loop;
      },
      abort() {
        handles.delete(handle);
        started.delete(handle);
        unregister();
        aborted = true;
        interrupt?.();
      },
      // In-process: nothing between the consumer and its stream can fail.
      health: () => ({ up: !stopping && !aborted && !closed, restarts: 0 }),
    };
    handles.add(handle);
    started.set(handle, () => {
      let pending = 0;
      for (let seq = Math.max(state.cursor, stream.firstSeq); seq <= stream.lastSeq; seq++) {
        const message = messageAt(stream, seq);
        if (message && state.filters.some((pattern) => subjectMatches(pattern, message.subject))) pending++;
      }
      const letterSubject = ns.subject(dlqSubject(consumeOptions.stream, consumeOptions.durable));
      const deadLetters = streams.get(ns.stream(DLQ_STREAM.name))?.messages.filter((message) => message.subject === letterSubject).length ?? 0;
      return { consumer: consumeOptions.durable, stream: consumeOptions.stream, pending, lag: pending + state.pending.size, up: handle.health().up, deadLetters };
    });
    return handle;
  };

  const storedDeadLetter = (message: StoredMessage): StoredDeadLetterMessage => ({
    seq: message.seq,
    subject: ns.unprefix(message.subject),
    headers: { ...message.headers },
    payload: message.payload,
    time: new Date(message.at),
  });
  const deadLetters: DeadLetterQueue = {
    consumers: running.names,
    async read(subject, fromSeq, limit) {
      const dlq = streams.get(ns.stream(DLQ_STREAM.name));
      if (!dlq) return [];
      const pattern = ns.subject(subject);
      const found: StoredDeadLetterMessage[] = [];
      for (let seq = Math.max(fromSeq, dlq.firstSeq); seq <= dlq.lastSeq && found.length < limit; seq++) {
        const message = messageAt(dlq, seq);
        if (message && subjectMatches(pattern, message.subject)) found.push(storedDeadLetter(message));
      }
      return found;
    },
    async get(seq) {
      const dlq = streams.get(ns.stream(DLQ_STREAM.name));
      const message = dlq ? messageAt(dlq, seq) : undefined;
      return message ? storedDeadLetter(message) : undefined;
    },
    redeliver: running.redeliver,
  };

  return {
    deadLetters,
    async ensureStreams(specs) {
      for (const spec of [...specs, DLQ_STREAM]) ensureStream(spec);
    },
    publish,
    consume,
    async ping() {
      if (closed) throw new Error('event bus is closed');
    },
    async close() {
      await Promise.all([...handles].map((handle) => handle.stop()));
      closed = true;
    },
    async consumerStats() {
      return [...started.values()].map((stats) => stats());
    },
  };
};
