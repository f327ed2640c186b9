import { DLQ_HEADERS, EVENT_TYPE_HEADER, dlqSubject, type IncomingMessage, type OutgoingMessage } from './event-bus';

/**
 * Dead letters for operators: read from the dead-letter stream (GOVERN_DLQ on JetStream, the
 * same stream inside the in-memory bus of embedded mode) and re-driven after a fix.
 *
 * A re-drive hands the dead letter to the handler of the consumer that gave up on it, in the
 * process that runs that consumer (the service answering the call): the same decoding, origin
 * check, inbox and transaction as a delivery, so the consumer's inbox (keyed on
 * meta.event_id) keeps the effect to once however often it is re-driven. It is not published
 * again on the producer's subject: a service may publish only its own events (NATS
 * permissions), and every other consumer of that subject would get it too.
 *
 * That it was re-driven, by whom, when and why is recorded in the dead-letter stream itself,
 * as a marker message on the dead letter's subject (a subject the service may publish on):
 * the record lives and ages exactly as long as the dead letter it describes.
 */

/** Headers of a re-drive marker (empty payload). */
export const REDRIVE_HEADERS = {
  /** Stream sequence of the dead letter it marks. */
  of: 'Govern-Dlq-Redrive-Of',
  /** The actor, as JSON of govern.common.v1.Actor (proto3 JSON names). */
  actor: 'Govern-Dlq-Redrive-Actor',
  time: 'Govern-Dlq-Redrive-Time',
  note: 'Govern-Dlq-Redrive-Note',
  requestId: 'Govern-Dlq-Redrive-Request',
} as const;

/** One message of the dead-letter stream, as stored. */
export interface StoredDeadLetterMessage {
  seq: number;
  /** Logical subject, `govern.dlq.<stream>.<durable>`. */
  subject: string;
  headers: Record<string, string>;
  payload: Uint8Array;
  time: Date;
}

/** What a bus offers for dead letters besides writing them (both buses have it). */
export interface DeadLetterQueue {
  /** Durable consumers this process runs on the bus, by name (a re-drive needs the consumer here). */
  consumers(): string[];
  /**
   * Messages of the dead-letter stream on `subject` (a logical pattern, e.g.
   * `govern.dlq.*.content_merchant_standing`) from sequence `fromSeq` on, oldest first, at most `limit`.
   */
  read(subject: string, fromSeq: number, limit: number): Promise<StoredDeadLetterMessage[]>;
  /** One message of the dead-letter stream; undefined when it is gone (aged out) or never was. */
  get(seq: number): Promise<StoredDeadLetterMessage | undefined>;
  /**
   * Hands `message` to the handler of the durable consumer `durable` this process runs;
   * rejects with what the handler threw, or `ConsumerNotRunningError`.
   */
  redeliver(durable: string, message: IncomingMessage): Promise<void>;
}

export class ConsumerNotRunningError extends Error {
  constructor(readonly durable: string) {
    super(`consumer ${durable} does not run in this process`);
    this.name = 'ConsumerNotRunningError';
  }
}

export interface RedriveRecord {
  /** Actor as proto3 JSON of govern.common.v1.Actor. */
  actorJson: string;
  time: Date;
  note: string;
  requestId: string;
}

/** A consumer's dead letter with its re-drive, if any. */
export interface ConsumerDeadLetter {
  seq: number;
  consumer: string;
  /** Logical stream the event came from. */
  stream: string;
  subject: string;
  eventId: string;
  eventType: string;
  error: string;
  deliveries: number;
  deadAt: Date;
  payload: Uint8Array;
  /** The event's own headers (the dead-letter ones left out). */
  headers: Record<string, string>;
  redrive?: RedriveRecord;
}

const DLQ_HEADER_NAMES = new Set<string>([...Object.values(DLQ_HEADERS), ...Object.values(REDRIVE_HEADERS)]);

export const isRedriveMarker = (message: StoredDeadLetterMessage): boolean => message.headers[REDRIVE_HEADERS.of] !== undefined;

export const redriveOf = (marker: StoredDeadLetterMessage): RedriveRecord => ({
  actorJson: marker.headers[REDRIVE_HEADERS.actor] ?? '',
  time: new Date(marker.headers[REDRIVE_HEADERS.time] ?? marker.time.toISOString()),
  note: marker.headers[REDRIVE_HEADERS.note] ?? '',
  requestId: marker.headers[REDRIVE_HEADERS.requestId] ?? '',
});

export const consumerDeadLetterOf = (message: StoredDeadLetterMessage, redrive?: RedriveRecord): ConsumerDeadLetter => {
  const h = message.headers;
  const headers = Object.fromEntries(Object.entries(h).filter(([name]) => !DLQ_HEADER_NAMES.has(name)));
  const letter: ConsumerDeadLetter = {
    seq: message.seq,
    consumer: h[DLQ_HEADERS.consumer] ?? message.subject.split('.').at(-1) ?? '',
    stream: h[DLQ_HEADERS.stream] ?? '',
    subject: h[DLQ_HEADERS.subject] ?? '',
    eventId: h[DLQ_HEADERS.eventId] ?? '',
    eventType: h[EVENT_TYPE_HEADER] ?? '',
    error: h[DLQ_HEADERS.error] ?? '',
    deliveries: Number(h[DLQ_HEADERS.deliveries] ?? 0) || 0,
    deadAt: message.time,
    payload: message.payload,
    headers,
  };
  if (redrive) letter.redrive = redrive;
  return letter;
};

/** The message a re-drive hands to the consumer: the original event as it was delivered. */
export const redeliveryOf = (letter: ConsumerDeadLetter): IncomingMessage => ({
  subject: letter.subject,
  eventId: letter.eventId,
  eventType: letter.eventType,
  payload: letter.payload,
  headers: { ...letter.headers, [EVENT_TYPE_HEADER]: letter.eventType },
  deliveryCount: letter.deliveries + 1,
  stream: letter.stream,
  streamSequence: 0,
});

const headerText = (text: string): string => text.replace(/[\r\n]+/g, ' ').slice(0, 2_000);

/** The marker that records a re-drive; its message id makes a repeated marker a duplicate. */
export const redriveMarkerOf = (letter: ConsumerDeadLetter, record: RedriveRecord): OutgoingMessage => ({
  subject: dlqSubject(letter.stream, letter.consumer),
  eventId: `redrive.${letter.stream}.${letter.consumer}.${letter.seq}`,
  eventType: '',
  payload: new Uint8Array(),
  headers: {
    [REDRIVE_HEADERS.of]: String(letter.seq),
    [REDRIVE_HEADERS.actor]: headerText(record.actorJson),
    [REDRIVE_HEADERS.time]: record.time.toISOString(),
    [REDRIVE_HEADERS.note]: headerText(record.note),
    [REDRIVE_HEADERS.requestId]: headerText(record.requestId),
  },
});
