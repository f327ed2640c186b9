import type { StreamSpec } from '@govern/contracts-common';
import type { ConsumerSnapshot } from '@govern/platform-observability';
import type { DeadLetterQueue } from './dead-letters';

/**
 * The event bus every service talks to: JetStream in production and tests, an
 * in-process bus in embedded mode. Both keep one contract (see event-bus.contract.ts):
 * at-least-once delivery to durable consumers, dedupe by event id within a window,
 * explicit acks, redelivery with backoff, a bounded number of tries, dead letters.
 *
 * Names are logical (`GOVERN_CONTENT`, `govern.content.listing.approved`); a bus made
 * with a `namespace` maps them to namespaced names on the server and back.
 */

/** Header carrying the fully-qualified protobuf type of the payload. */
export const EVENT_TYPE_HEADER = 'Govern-Event-Type';

/** Where messages go that a consumer gave up on; ensured by `ensureStreams` and `consume`. */
export const DLQ_STREAM: StreamSpec = { name: 'GOVERN_DLQ', subjects: ['govern.dlq.>'] };

/** Headers a dead letter carries besides the original ones (payload is the original). */
export const DLQ_HEADERS = {
  subject: 'Govern-Dlq-Subject',
  stream: 'Govern-Dlq-Stream',
  consumer: 'Govern-Dlq-Consumer',
  eventId: 'Govern-Dlq-Event-Id',
  deliveries: 'Govern-Dlq-Deliveries',
  error: 'Govern-Dlq-Error',
} as const;

/** Dead letters of one consumer: `govern.dlq.<stream>.<durable>`. */
export const dlqSubject = (stream: string, durable: string): string => `govern.dlq.${stream}.${durable}`;

export interface OutgoingMessage {
  subject: string;
  /** Becomes the JetStream `msgID`: a second publish within the window is dropped. */
  eventId: string;
  /** Fully-qualified protobuf type, sent in the `Govern-Event-Type` header. */
  eventType: string;
  payload: Uint8Array;
  headers?: Record<string, string>;
}

export interface PublishAck {
  eventId: string;
  stream: string;
  seq: number;
  /** The server already had this event id (within the duplicate window) and did not store it again. */
  duplicate: boolean;
}

export interface IncomingMessage {
  /** Logical subject (namespace removed). */
  subject: string;
  eventId: string;
  /** Empty when the publisher sent no `Govern-Event-Type` header. */
  eventType: string;
  payload: Uint8Array;
  /** Application headers (NATS' own `Nats-*` headers left out). */
  headers: Record<string, string>;
  /** 1 on first delivery. */
  deliveryCount: number;
  /** Logical stream name. */
  stream: string;
  streamSequence: number;
}

export interface ConsumeOptions {
  /** Durable consumer name, `<service>_<purpose>`; its position survives restarts. */
  durable: string;
  /** Logical stream name, e.g. `GOVERN_CONTENT`. */
  stream: string;
  /** Logical subjects (wildcards allowed) this consumer wants from the stream. */
  subjects: string[];
  /** Handler runs at most this many times per message; then the message is dead-lettered. */
  maxDeliver: number;
  /** Delay before redelivery after the n-th failure (the last entry repeats). */
  backoffMs: number[];
  /** A delivery not acked within this time (process died) is redelivered; default 30 s. Kept alive while the handler runs. */
  ackWaitMs?: number;
  /**
   * Resolve to ack. Throw to have the message redelivered after backoff, or dead-lettered
   * once `maxDeliver` is reached; throw `PoisonMessageError` to dead-letter it at once.
   */
  handler(message: IncomingMessage): Promise<void>;
  /**
   * Optional: handles the messages that arrived together in one go (one transaction for a
   * batch instead of one per message); when given, every message goes through it and
   * `handler` is not called. Resolves to one outcome per message, in
   * order: `undefined` acks it, an error is treated as `handler` throwing it (retry with
   * backoff, dead-letter at the bound, `PoisonMessageError` at once). A rejection fails
   * the whole batch. Messages are always handed over in stream order.
   */
  handleBatch?(messages: readonly IncomingMessage[]): Promise<readonly unknown[]>;
  /** Most messages one `handleBatch` call gets; default 64 (ignored without `handleBatch`). */
  maxBatch?: number;
}

/** Whether a consumer is taking messages: down while its loop is restarting or the server is unreachable. */
export interface ConsumerHealth {
  up: boolean;
  /** Since when (epoch ms) it has been down; absent when up. */
  downSince?: number;
  /** What took it down last (kept after it healed, for logs and diagnosis). */
  lastError?: string;
  /** How many times its consume loop was restarted after an error. */
  restarts: number;
}

export interface ConsumerHandle {
  /** Stops taking messages, lets the one in hand finish (and be acked), returns the rest. */
  stop(): Promise<void>;
  /**
   * Stops at once as if the process died: the message in hand and any buffered ones are
   * neither acked nor returned, so they come back after `ackWaitMs` (to this durable).
   */
  abort(): void;
  health(): ConsumerHealth;
}

/**
 * Limits of every stream a bus creates (the outbox keeps the source of truth; a stream is a
 * delivery buffer). Oldest messages are discarded beyond them, so a consumer down for longer
 * than `maxAgeMs` misses what aged out: its service replays from the producer's records.
 */
export interface StreamLimits {
  /** Default 7 days. */
  maxAgeMs: number;
  /** Default 1 GiB. */
  maxBytes: number;
  /** Default 10 million. */
  maxMessages: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxAgeMs: 7 * 24 * 3_600_000, maxBytes: 1024 ** 3, maxMessages: 10_000_000 };

/** How long a bus remembers event ids to drop a repeated publish (JetStream's default). */
export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

export interface EventBus {
  /** Creates or updates the streams (and the dead-letter stream); safe to run concurrently from many replicas. */
  ensureStreams(specs: readonly StreamSpec[]): Promise<void>;
  /** Resolves when the server stored (or deduplicated) every message; otherwise rejects with `PublishError`. */
  publish(messages: readonly OutgoingMessage[]): Promise<PublishAck[]>;
  /** Starts (creating or updating) a durable pull consumer; one message at a time per handle. */
  consume(options: ConsumeOptions): Promise<ConsumerHandle>;
  /** Resolves when the server can store messages now; rejects when it cannot (tells an outage from a message the server refuses). */
  ping(): Promise<void>;
  /** Stops every consumer (as `stop()`) and closes the connection. */
  close(): Promise<void>;
  /** Reading and re-driving dead letters (both buses offer it; a test double may not). */
  deadLetters?: DeadLetterQueue;
  /**
   * The consumers started on this bus as the server sees them: not yet delivered, not yet
   * acknowledged, pulling or not, and their dead letters waiting in GOVERN_DLQ (the
   * Prometheus gauges read it at scrape time). Optional: a bus without it reports no consumers.
   */
  consumerStats?(): Promise<ConsumerStats[]>;
}

/** One durable consumer at a moment (`EventBus.consumerStats`): what the metrics scrape reports of it. */
export type ConsumerStats = ConsumerSnapshot;

/** Thrown by a handler for a message that can never succeed: dead-lettered at once. */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

/** Some messages of a publish were not stored; `acked` were, `failed` were not (retry them). */
export class PublishError extends Error {
  constructor(
    message: string,
    readonly acked: PublishAck[],
    readonly failed: { eventId: string; error: string }[],
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

/** Collects per-message publish outcomes into acks or a `PublishError`. */
export const settlePublish = (messages: readonly OutgoingMessage[], results: PromiseSettledResult<PublishAck>[]): PublishAck[] => {
  const acked: PublishAck[] = [];
  const failed: { eventId: string; error: string }[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') acked.push(result.value);
    else failed.push({ eventId: messages[index]?.eventId ?? '', error: errorText(result.reason) });
  });
  if (failed.length > 0) {
    throw new PublishError(`${failed.length} of ${messages.length} events not published: ${failed[0]?.error}`, acked, failed);
  }
  return acked;
};

export const errorText = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
