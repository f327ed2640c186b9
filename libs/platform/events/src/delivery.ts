import type { Logger } from 'pino';
import {
  DLQ_HEADERS,
  PoisonMessageError,
  dlqSubject,
  errorText,
  type ConsumeOptions,
  type IncomingMessage,
  type OutgoingMessage,
} from './event-bus';
import { subjectMatches } from './subjects';

/**
 * What happens to one delivered message, shared by both buses so they cannot drift:
 * success acks; failure naks with backoff; the last allowed failure, a poison message,
 * or a message already delivered more often than allowed (earlier tries died without
 * an answer) goes to the dead-letter stream and is terminated, so later messages flow.
 */
export interface Delivery {
  message: IncomingMessage;
  ack(): Promise<void>;
  nak(delayMs: number): void;
  term(): void;
  /** Tells the server the handler is still busy (resets the ack wait). */
  working(): void;
  /** False once the consumer was aborted: a "dead" process sends nothing more. */
  live(): boolean;
}

export const DEFAULT_ACK_WAIT_MS = 30_000;

/** Delay before the next try after `failures` failed tries (the last entry repeats). */
export const backoffFor = (backoffMs: readonly number[], failures: number): number =>
  backoffMs.length === 0 ? 0 : (backoffMs[Math.min(Math.max(failures, 1), backoffMs.length) - 1] ?? 0);

/** Header values are one line; errors are cut so a dead letter stays small. */
const headerValue = (text: string): string => text.replace(/[\r\n]+/g, ' ').slice(0, 2_000);

export const deadLetterOf = (message: IncomingMessage, durable: string, error: string): OutgoingMessage => ({
  subject: dlqSubject(message.stream, durable),
  // One dead letter per consumer and event, even if dead-lettering is retried.
  eventId: `${message.stream}.${durable}.${message.eventId || `seq-${message.streamSequence}`}`,
  eventType: message.eventType,
  payload: message.payload,
  headers: {
    ...message.headers,
    [DLQ_HEADERS.subject]: message.subject,
    [DLQ_HEADERS.stream]: message.stream,
    [DLQ_HEADERS.consumer]: durable,
    [DLQ_HEADERS.eventId]: message.eventId,
    [DLQ_HEADERS.deliveries]: String(message.deliveryCount),
    [DLQ_HEADERS.error]: headerValue(error),
  },
});

export const processDelivery = async (
  delivery: Delivery,
  options: ConsumeOptions,
  deadLetter: (message: OutgoingMessage) => Promise<unknown>,
  log: Logger,
): Promise<void> => {
  const { message } = delivery;
  const { maxDeliver } = options;
  const attempt = log.child({ consumer: options.durable, subject: message.subject, event_id: message.eventId, delivery: message.deliveryCount });

  const giveUp = async (error: string): Promise<void> => {
    try {
      await deadLetter(deadLetterOf(message, options.durable, error));
      delivery.term();
      attempt.warn({ err: error }, 'event dead-lettered');
    } catch (dlqError) {
      // Keep the message: it comes back after backoff and dead-lettering is tried again.
      attempt.error({ err: dlqError }, 'could not dead-letter event; will retry');
      delivery.nak(backoffFor(options.backoffMs, message.deliveryCount));
    }
  };

  // A consumer without server-side filtering (several subjects on an old server) skips the rest.
  if (!options.subjects.some((pattern) => subjectMatches(pattern, message.subject))) {
    await delivery.ack();
    return;
  }
  if (!message.eventId) return giveUp('message has no event id (Nats-Msg-Id)');
  if (message.deliveryCount > maxDeliver) {
    return giveUp(`delivered ${message.deliveryCount - 1} times without an outcome (handler crashed or timed out)`);
  }

  const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  const heartbeat = setInterval(() => delivery.working(), Math.max(50, Math.floor(ackWaitMs / 3)));
  let failure: unknown;
  try {
    await options.handler(message);
  } catch (error) {
    failure = error ?? new Error('handler failed');
  } finally {
    clearInterval(heartbeat);
  }
  if (!delivery.live()) return;

  if (failure === undefined) {
    try {
      await delivery.ack();
    } catch (error) {
      // The effect is committed; a redelivery is skipped by the consumer's inbox.
      attempt.warn({ err: error }, 'ack failed; event will be redelivered');
    }
    return;
  }
  if (failure instanceof PoisonMessageError) return giveUp(errorText(failure));
  if (message.deliveryCount >= maxDeliver) return giveUp(errorText(failure));
  const delay = backoffFor(options.backoffMs, message.deliveryCount);
  attempt.info({ err: failure, retry_in_ms: delay }, 'event handler failed; will retry');
  delivery.nak(delay);
};

/** Validates consume options the same way for both buses. */
export const checkConsumeOptions = (options: ConsumeOptions): void => {
  if (!/^[A-Za-z0-9_-]+$/.test(options.durable)) throw new Error(`durable consumer name must be [A-Za-z0-9_-]+: ${options.durable}`);
  if (!Number.isInteger(options.maxDeliver) || options.maxDeliver < 1) throw new Error(`maxDeliver must be a positive integer: ${options.maxDeliver}`);
  if (options.subjects.length === 0) throw new Error(`consumer ${options.durable} needs at least one subject`);
  if (options.backoffMs.some((ms) => !(ms >= 0))) throw new Error(`backoffMs must be non-negative: ${options.backoffMs.join(',')}`);
};
