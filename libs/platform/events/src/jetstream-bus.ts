import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type JsMsg,
  type MsgRequest,
  type StoredMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, headers as natsHeaders, nanos, type Authenticator } from '@nats-io/transport-node';
import type { StreamSpec } from '@govern/contracts-common';
import type { Logger } from 'pino';
import { consumerRegistry } from './consumer-registry';
import type { DeadLetterQueue, StoredDeadLetterMessage } from './dead-letters';
import { DEFAULT_ACK_WAIT_MS, checkConsumeOptions } from './delivery';
import {
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_STREAM_LIMITS,
  DLQ_STREAM,
  EVENT_TYPE_HEADER,
  dlqSubject,
  settlePublish,
  type ConsumeOptions,
  type ConsumerHandle,
  type ConsumerStats,
  type EventBus,
  type IncomingMessage,
  type OutgoingMessage,
  type StreamLimits,
} from './event-bus';
import { createAckedPublisher } from './jetstream-acks';
import { startSupervisedConsumer } from './jetstream-consumer';
import { namespacing } from './subjects';

export interface JetStreamBusOptions {
  /** One or more servers, comma-separated. */
  natsUrl: string;
  log: Logger;
  /** Prefix for stream names and subjects (tests: one per suite). */
  namespace?: string;
  /** Connection name shown by the server (e.g. the service). */
  name?: string;
  /** How long the server remembers event ids to drop repeats; default 2 min (JetStream's default). */
  duplicateWindowMs?: number;
  /** Age, size and count limits of every stream this bus creates or updates; see `DEFAULT_STREAM_LIMITS`. */
  streamLimits?: Partial<StreamLimits>;
  publishTimeoutMs?: number;
  /** Stream replicas (cluster); default 1. */
  replicas?: number;
  /**
   * How the service's NATS user signs in (platform-auth's `natsConnectionAuth(settings, service)`):
   * its authenticator, and the inbox prefix the server lets it subscribe to (replies to JetStream
   * API calls and pulled messages arrive there). Unset: anonymous, default inboxes.
   */
  connection?: { authenticator?: Authenticator; inboxPrefix?: string };
  /**
   * Logical names of the streams this bus's service owns. On a server that gives each service
   * rights on its own stream only (deploy/nats/govern.conf), `ensureStreams` creates and updates
   * only these; the dead-letter stream is created when missing and otherwise left as it is; the
   * streams it reads are their producers' to create, and a consumer on one that does not exist
   * yet waits for it (its health says down meanwhile) instead of failing the start.
   * Unset: every stream named is created or updated (a server without per-service permissions).
   */
  ownStreams?: readonly string[];
}

/** JetStream error codes this bus reacts to. */
const STREAM_NAME_IN_USE = 10058;
const STREAM_NOT_FOUND = 10059;
const MESSAGE_NOT_FOUND = 10037;

const isStreamNotFound = (error: unknown): boolean =>
  error instanceof JetStreamApiError ? error.code === STREAM_NOT_FOUND : error instanceof Error && error.cause !== undefined && isStreamNotFound(error.cause);

const serverAtLeast = (version: string | undefined, major: number, minor: number): boolean => {
  const [a = 0, b = 0] = (version ?? '0.0').split('.').map(Number);
  return a > major || (a === major && b >= minor);
};

export const createJetStreamBus = async (options: JetStreamBusOptions): Promise<EventBus> => {
  const log = options.log.child({ component: 'event-bus', bus: 'jetstream' });
  const ns = namespacing(options.namespace);
  const duplicateWindowMs = options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  const limits: StreamLimits = { ...DEFAULT_STREAM_LIMITS, ...options.streamLimits };
  const nc = await connect({
    servers: options.natsUrl.split(',').map((server) => server.trim()),
    name: options.name ?? 'govern',
    // Keep trying through a server restart; publishes fail (and the outbox retries) meanwhile.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    // nats.js otherwise builds two errors with stack traces (a RequestError and a TimeoutError, kept
    // in case the request fails) for every request: every pull of a consumer and every JetStream API
    // call (the relay's publishes were requests too, 5-6 % of the CPU of event-pipeline.bench.ts; they
    // now go through jetstream-acks.ts). A failed request still rejects with the same error types and
    // messages, only without the stack of the call that made it.
    noAsyncTraces: true,
    ...(options.connection?.authenticator ? { authenticator: options.connection.authenticator } : {}),
    ...(options.connection?.inboxPrefix ? { inboxPrefix: options.connection.inboxPrefix } : {}),
  });
  const acks = createAckedPublisher(nc, { timeoutMs: options.publishTimeoutMs ?? 5_000, inboxPrefix: options.connection?.inboxPrefix });
  // Consumers count as down while the connection is (their loops wait for it without failing).
  let disconnectedSince: number | undefined;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        disconnectedSince ??= Date.now();
        // Their acks went with the connection: the relay sends them again (the stream drops repeats by event id).
        acks.failPending('the NATS connection dropped before JetStream acknowledged the message');
      }
      if (status.type === 'reconnect') disconnectedSince = undefined;
      if (status.type === 'disconnect' || status.type === 'reconnect') log.warn({ status: status.type }, 'nats connection');
    }
  })().catch(() => undefined);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc, { timeout: options.publishTimeoutMs ?? 5_000 });
  const handles = new Set<ConsumerHandle>();
  /** Started consumers by handle: the server stream and durable consumerStats asks about. */
  const started = new Map<ConsumerHandle, { durable: string; stream: string; serverStream: string }>();
  const running = consumerRegistry();
  /** Streams this bus was asked to ensure, by logical name: recreated if deleted underneath a consumer. */
  const knownStreams = new Map<string, StreamSpec>();
  const ownStreams = options.ownStreams ? new Set(options.ownStreams) : undefined;
  /** Whether this bus may create (and update) the stream; the dead-letter stream it may only create. */
  const manages = (stream: string): boolean => !ownStreams || ownStreams.has(stream) || stream === DLQ_STREAM.name;
  const mayUpdate = (stream: string): boolean => !ownStreams || ownStreams.has(stream);

  const ensureStream = async (spec: StreamSpec): Promise<void> => {
    if (!manages(spec.name)) return;
    knownStreams.set(spec.name, spec);
    const bounds = {
      duplicate_window: nanos(duplicateWindowMs),
      max_age: nanos(limits.maxAgeMs),
      max_bytes: limits.maxBytes,
      max_msgs: limits.maxMessages,
    };
    const config: Partial<StreamConfig> & { name: string } = {
      name: ns.stream(spec.name),
      subjects: spec.subjects.map(ns.subject),
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      num_replicas: options.replicas ?? 1,
      ...bounds,
    };
    try {
      // Creating with the same config as the existing stream succeeds, so replicas starting together agree.
      await jsm.streams.add(config);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) {
        throw new Error(`could not create stream ${config.name} (${config.subjects?.join(', ')}): ${(error as Error).message}`, { cause: error });
      }
      if (!mayUpdate(spec.name)) {
        // Shared (the dead-letter stream): another service made it with other limits; it stays as made.
        log.debug({ stream: config.name }, 'stream exists with another configuration; left as it is');
        return;
      }
      // Replicas too: a stream made at 1 on a single node goes to 3 once the cluster and setting say so.
      await jsm.streams.update(config.name, { subjects: config.subjects ?? [], num_replicas: config.num_replicas ?? 1, ...bounds });
      log.info({ stream: config.name }, 'stream updated');
    }
  };

  let dlqReady: Promise<void> | undefined;
  const ensureDlq = (): Promise<void> => {
    dlqReady ??= ensureStream(DLQ_STREAM).catch((error: unknown) => {
      dlqReady = undefined;
      throw error;
    });
    return dlqReady;
  };

  const publish = async (messages: readonly OutgoingMessage[]) => {
    // All publishes go out on one connection in order, so the stream keeps their order.
    const results = await Promise.allSettled(
      messages.map(async (message) => {
        const headers = natsHeaders();
        if (message.eventType) headers.set(EVENT_TYPE_HEADER, message.eventType);
        for (const [key, value] of Object.entries(message.headers ?? {})) headers.set(key, value);
        // Last, as js.publish's msgID: JetStream drops a repeat of this id within the stream's duplicate window.
        headers.set('Nats-Msg-Id', message.eventId);
        const ack = await acks.publish(ns.subject(message.subject), message.payload, headers);
        return { eventId: message.eventId, stream: ns.unstream(ack.stream), seq: ack.seq, duplicate: ack.duplicate };
      }),
    );
    return settlePublish(messages, results);
  };

  const toIncoming = (msg: JsMsg, stream: string): IncomingMessage => {
    const headers: Record<string, string> = {};
    for (const key of msg.headers?.keys() ?? []) {
      if (!key.startsWith('Nats-')) headers[key] = msg.headers?.get(key) ?? '';
    }
    return {
      subject: ns.unprefix(msg.subject),
      eventId: msg.headers?.get('Nats-Msg-Id') ?? '',
      eventType: headers[EVENT_TYPE_HEADER] ?? '',
      payload: msg.data,
      headers,
      deliveryCount: msg.info.deliveryCount,
      stream,
      streamSequence: msg.seq,
    };
  };

  const consume = async (consumeOptions: ConsumeOptions): Promise<ConsumerHandle> => {
    checkConsumeOptions(consumeOptions);
    await ensureDlq();
    const stream = ns.stream(consumeOptions.stream);
    const filters = consumeOptions.subjects.map(ns.subject);
    // Servers before 2.10 take one filter subject; with several, the shared delivery code filters.
    const filter: Partial<ConsumerConfig> =
      filters.length === 1
        ? { filter_subject: filters[0] }
        : serverAtLeast(nc.info?.version, 2, 10)
          ? { filter_subjects: filters }
          : {};
    const config: Partial<ConsumerConfig> = {
      durable_name: consumeOptions.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(consumeOptions.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
      // The bound is enforced by the shared delivery code, which dead-letters instead of
      // letting the server silently stop delivering.
      max_deliver: -1,
      max_ack_pending: 1_000,
      ...filter,
    };
    const ensureConsumer = async (): Promise<void> => {
      try {
        await jsm.consumers.add(stream, config);
      } catch (error) {
        try {
          await jsm.consumers.update(stream, consumeOptions.durable, {
            ack_wait: config.ack_wait ?? 0,
            max_deliver: -1,
            max_ack_pending: config.max_ack_pending ?? 1_000,
            ...filter,
          });
        } catch {
          throw new Error(`could not create consumer ${consumeOptions.durable} on ${stream}: ${(error as Error).message}`, { cause: error });
        }
      }
    };
    try {
      await ensureConsumer();
    } catch (error) {
      // A producer's stream not made yet (it starts later): the supervisor below retries until it is.
      if (manages(consumeOptions.stream) || !isStreamNotFound(error)) throw error;
      log.warn({ consumer: consumeOptions.durable, stream }, 'stream not created by its producer yet; the consumer waits for it');
    }
    const consumerLog = log.child({ consumer: consumeOptions.durable, stream });
    const unregister = running.add(consumeOptions);
    const supervised = startSupervisedConsumer({
      js,
      stream,
      options: consumeOptions,
      async setup() {
        // A stream deleted underneath is recreated from the spec this bus ensured (empty: what it
        // held is gone; producers' outboxes and the consumers' inboxes carry on from there).
        const spec = knownStreams.get(consumeOptions.stream);
        if (spec) await ensureStream(spec);
        await ensureStream(DLQ_STREAM);
        await ensureConsumer();
      },
      toIncoming: (msg: JsMsg) => toIncoming(msg, consumeOptions.stream),
      deadLetter: (letter) => publish([letter]),
      disconnectedSince: () => disconnectedSince,
      log: consumerLog,
    });
    const handle: ConsumerHandle = {
      async stop() {
        handles.delete(handle);
        started.delete(handle);
        unregister();
        await supervised.stop();
      },
      abort() {
        handles.delete(handle);
        started.delete(handle);
        unregister();
        supervised.abort();
      },
      health: () => supervised.health(),
    };
    handles.add(handle);
    started.set(handle, { durable: consumeOptions.durable, stream: consumeOptions.stream, serverStream: stream });
    return handle;
  };

  /** Dead letters per DLQ subject (one subject per stream and durable); undefined when the DLQ cannot be read. */
  const deadLettersBySubject = async (): Promise<Record<string, number> | undefined> => {
    try {
      const info = await jsm.streams.info(ns.stream(DLQ_STREAM.name), { subjects_filter: ns.subject('govern.dlq.>') });
      return info.state.subjects ?? {};
    } catch (error) {
      log.debug({ err: error }, 'dead-letter counts unavailable');
      return undefined;
    }
  };

  const consumerStats = async (): Promise<ConsumerStats[]> => {
    const letters = await deadLettersBySubject();
    return Promise.all(
      [...started].map(async ([handle, { durable, stream, serverStream }]): Promise<ConsumerStats> => {
        const deadLetters = letters ? { deadLetters: letters[ns.subject(dlqSubject(stream, durable))] ?? 0 } : {};
        try {
          const info = await jsm.consumers.info(serverStream, durable);
          return { consumer: durable, stream, pending: info.num_pending, lag: info.num_pending + info.num_ack_pending, up: handle.health().up, ...deadLetters };
        } catch (error) {
          // Unknown is not zero: NaN gauges, and the consumer down.
          log.debug({ err: error, consumer: durable }, 'consumer info unavailable');
          return { consumer: durable, stream, pending: Number.NaN, lag: Number.NaN, up: false, ...deadLetters };
        }
      }),
    );
  };

  const dlqName = ns.stream(DLQ_STREAM.name);
  const storedDeadLetter = (msg: StoredMsg): StoredDeadLetterMessage => {
    const headers: Record<string, string> = {};
    for (const key of msg.header?.keys() ?? []) if (!key.startsWith('Nats-')) headers[key] = msg.header.get(key);
    return { seq: msg.seq, subject: ns.unprefix(msg.subject), headers, payload: msg.data, time: msg.time };
  };
  /** A message-get that found nothing (no such sequence, nothing later on the subject, no stream) is undefined. */
  const getOrNothing = async (query: MsgRequest): Promise<StoredMsg | undefined> => {
    try {
      return (await jsm.streams.getMessage(dlqName, query)) ?? undefined;
    } catch (error) {
      if (error instanceof JetStreamApiError && (error.code === MESSAGE_NOT_FOUND || error.code === STREAM_NOT_FOUND)) return undefined;
      throw error;
    }
  };
  // Read with the stream's message-get API (the one request the operators' NATS user is allowed
  // too), next by subject: no consumer is created on the shared stream just to look at it.
  const deadLetters: DeadLetterQueue = {
    consumers: running.names,
    async read(subject, fromSeq, limit) {
      const found: StoredDeadLetterMessage[] = [];
      let seq = Math.max(1, fromSeq);
      while (found.length < limit) {
        // STREAM.MSG.GET takes next_by_subj (server 2.9+); the client's type names only the direct-get form.
        const msg = await getOrNothing({ next_by_subj: ns.subject(subject), seq } as unknown as MsgRequest);
        if (!msg) break;
        found.push(storedDeadLetter(msg));
        seq = msg.seq + 1;
      }
      return found;
    },
    async get(seq) {
      const msg = await getOrNothing({ seq });
      return msg ? storedDeadLetter(msg) : undefined;
    },
    redeliver: running.redeliver,
  };

  return {
    deadLetters,
    async ensureStreams(specs) {
      for (const spec of [...specs, DLQ_STREAM]) await ensureStream(spec);
    },
    publish,
    consume,
    async ping() {
      // A JetStream API round trip: answers only when the server can take messages.
      await jsm.getAccountInfo();
    },
    async close() {
      await Promise.all([...handles].map((handle) => handle.stop()));
      acks.close();
      await nc.close();
    },
    consumerStats,
  };
};
