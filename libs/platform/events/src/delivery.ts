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

type DeadLetter = (message: OutgoingMessage) => Promise<unknown>;

const attemptLog = (log: Logger, options: ConsumeOptions, message: IncomingMessage): Logger =>
  log.child({ consumer: options.durable, subject: message.subject, event_id: message.eventId, delivery: message.deliveryCount });

const giveUp = async (delivery: Delivery, options: ConsumeOptions, deadLetter: DeadLetter, log: Logger, error: string): Promise<void> => {
  const { message } = delivery;
  try {
    await deadLetter(deadLetterOf(message, options.durable, error));
    delivery.term();
    attemptLog(log, options, message).warn({ err: error }, 'event dead-lettered');
  } catch (dlqError) {
    // Keep the message: it comes back after backoff and dead-lettering is tried again.
    attemptLog(log, options, message).error({ err: dlqError }, 'could not dead-letter event; will retry');
    delivery.nak(backoffFor(options.backoffMs, message.deliveryCount));
  }
};

/** Settles a message before its handler runs when it must not reach it; true when settled. */
const screen = async (delivery: Delivery, options: ConsumeOptions, deadLetter: DeadLetter, log: Logger): Promise<boolean> => {
  const { message } = delivery;
  // A consumer without server-side filtering (several subjects on an old server) skips the rest.
  if (!options.subjects.some((pattern) => subjectMatches(pattern, message.subject))) {
    await delivery.ack().catch(() => undefined);
    return true;
  }
  if (!message.eventId) {
    await giveUp(delivery, options, deadLetter, log, 'message has no event id (Nats-Msg-Id)');
    return true;
  }
  if (message.deliveryCount > options.maxDeliver) {
    await giveUp(delivery, options, deadLetter, log, `delivered ${message.deliveryCount - 1} times without an outcome (handler crashed or timed out)`);
    return true;
  }
  return false;
};

/** Acks a handled message, or retries / dead-letters a failed one. */
const settle = async (delivery: Delivery, failure: unknown, options: ConsumeOptions, deadLetter: DeadLetter, log: Logger): Promise<void> => {
  if (!delivery.live()) return;
  const { message } = delivery;
  if (failure === undefined) {
    try {
      await delivery.ack();
    } catch (error) {
      // The effect is committed; a redelivery is skipped by the consumer's inbox.
      attemptLog(log, options, message).warn({ err: error }, 'ack failed; event will be redelivered');
    }
    return;
  }
  if (failure instanceof PoisonMessageError) return giveUp(delivery, options, deadLetter, log, errorText(failure));
  if (message.deliveryCount >= options.maxDeliver) return giveUp(delivery, options, deadLetter, log, errorText(failure));
  const delay = backoffFor(options.backoffMs, message.deliveryCount);
  attemptLog(log, options, message).info({ err: failure, retry_in_ms: delay }, 'event handler failed; will retry');
  delivery.nak(delay);
};

/** Keeps the server from redelivering messages whose handler is still busy. */
const heartbeat = (deliveries: readonly Delivery[], options: ConsumeOptions): NodeJS.Timeout =>
  setInterval(
    () => {
      for (const delivery of deliveries) delivery.working();
    },
    Math.max(50, Math.floor((options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS) / 3)),
  );

export const processDelivery = async (delivery: Delivery, options: ConsumeOptions, deadLetter: DeadLetter, log: Logger): Promise<void> => {
  if (await screen(delivery, options, deadLetter, log)) return;
  const beat = heartbeat([delivery], options);
  let failure: unknown;
  try {
    await options.handler(delivery.message);
  } catch (error) {
    failure = error ?? new Error('handler failed');
  } finally {
    clearInterval(beat);
  }
  await settle(delivery, failure, options, deadLetter, log);
};

/**
 * Messages that arrived together: through `handleBatch` when the consumer has one (one call,
 * then each message settled by its own outcome; a lone message too), else one at a time.
 */
export const processBatch = async (deliveries: readonly Delivery[], options: ConsumeOptions, deadLetter: DeadLetter, log: Logger): Promise<void> => {
  const handleBatch = options.handleBatch;
  if (!handleBatch) {
    for (const delivery of deliveries) await processDelivery(delivery, options, deadLetter, log);
    return;
  }
  const ready: Delivery[] = [];
  for (const delivery of deliveries) if (!(await screen(delivery, options, deadLetter, log))) ready.push(delivery);
  if (ready.length === 0) return;
  const beat = heartbeat(ready, options);
  let outcomes: readonly unknown[];
  try {
    outcomes = await handleBatch(ready.map((delivery) => delivery.message));
    if (outcomes.length !== ready.length) throw new Error(`handleBatch returned ${outcomes.length} outcomes for ${ready.length} messages`);
  } catch (error) {
    outcomes = ready.map(() => error ?? new Error('batch handler failed'));
  } finally {
    clearInterval(beat);
  }
  await Promise.all(ready.map((delivery, i) => settle(delivery, outcomes[i], options, deadLetter, log)));
};

/** Most messages one `handleBatch` call gets unless the consumer says otherwise. */
export const DEFAULT_MAX_BATCH = 64;

export const maxBatchOf = (options: ConsumeOptions): number => (options.handleBatch ? (options.maxBatch ?? DEFAULT_MAX_BATCH) : 1);

/** Validates consume options the same way for both buses. */
export const checkConsumeOptions = (options: ConsumeOptions): void => {
  if (!/^[A-Za-z0-9_-]+$/.test(options.durable)) throw new Error(`durable consumer name must be [A-Za-z0-9_-]+: ${options.durable}`);
  if (!Number.isInteger(options.maxDeliver) || options.maxDeliver < 1) throw new Error(`maxDeliver must be a positive integer: ${options.maxDeliver}`);
  if (options.subjects.length === 0) throw new Error(`consumer ${options.durable} needs at least one subject`);
  if (options.backoffMs.some((ms) => !(ms >= 0))) throw new Error(`backoffMs must be non-negative: ${options.backoffMs.join(',')}`);
  if (options.maxBatch !== undefined && !(Number.isInteger(options.maxBatch) && options.maxBatch >= 1)) throw new Error(`maxBatch must be a positive integer: ${options.maxBatch}`);
};
