import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { maxBatchOf, processBatch, type Delivery } from './delivery';
import { errorText, type ConsumeOptions, type ConsumerHandle, type ConsumerHealth, type IncomingMessage, type OutgoingMessage } from './event-bus';

/**
 * One durable JetStream consumer kept alive: its consume loop runs under a supervisor that
 * restarts it, with backoff, after any error or unexpected end (ack timeout, connection loss,
 * stream or consumer deleted underneath, server restart, missed heartbeats), and before each
 * restart makes sure the stream and the durable exist again (`setup`). While it is restarting
 * or the connection is down, `health()` says since when.
 */
export interface SupervisedConsumerOptions {
  js: JetStreamClient;
  /** Server stream name. */
  stream: string;
  options: ConsumeOptions;
  /** (Re)creates the stream, when known, and the durable; called before every restart. */
  setup(): Promise<void>;
  toIncoming(msg: JsMsg): IncomingMessage;
  deadLetter(message: OutgoingMessage): Promise<unknown>;
  /** Since when the connection has been down, if it is. */
  disconnectedSince(): number | undefined;
  log: Logger;
  /** Upper bound of the restart backoff; default 5 s. */
  maxRestartBackoffMs?: number;
}

/** Notifications after which the consume loop is restarted (the client would otherwise wait for a consumer that no longer exists). */
const FATAL_STATUSES = new Set(['consumer_deleted', 'consumer_not_found', 'stream_not_found']);

export const startSupervisedConsumer = (config: SupervisedConsumerOptions): ConsumerHandle => {
  const { options, log } = config;
  const maxBatch = maxBatchOf(options);
  // Enough buffered that a batch is ready when the last one is done; bounded so buffered
  // messages do not sit out their ack wait behind a slow handler.
  const pull = Math.max(16, maxBatch * 2);
  const maxRestartBackoffMs = config.maxRestartBackoffMs ?? 5_000;
  let stopping = false;
  let aborted = false;
  let current: ConsumerMessages | undefined;
  let interruptSleep: (() => void) | undefined;
  let loopUp = false;
  let loopDownSince: number | undefined = Date.now();
  let lastError: string | undefined;
  let restarts = 0;

  const toDelivery = (msg: JsMsg): Delivery => ({
    message: config.toIncoming(msg),
    // Not waited on: a lost ack only means a redelivery, which the consumer's inbox skips;
    // waiting for the server to confirm each ack would halve a consumer's throughput.
    ack: async () => {
      if (!aborted) msg.ack();
    },
    nak: (delayMs) => {
      if (!aborted) msg.nak(delayMs);
    },
    term: () => {
      if (!aborted) msg.term();
    },
    working: () => {
      if (!aborted) msg.working();
    },
    live: () => !aborted,
  });

  /** Hands messages to the handler in batches until the iterator ends; rethrows what ended it. */
  const pump = async (messages: ConsumerMessages, fatal: { reason?: string }): Promise<void> => {
    const buffer: JsMsg[] = [];
    let ended = false;
    let failure: unknown;
    let wakeProcessor: (() => void) | undefined;
    let wakeReader: (() => void) | undefined;
    const reader = (async () => {
      try {
        for await (const msg of messages) {
          buffer.push(msg);
          wakeProcessor?.();
          while (buffer.length >= pull && !ended) await new Promise<void>((resolve) => (wakeReader = resolve));
        }
      } catch (error) {
        failure = error;
      } finally {
        ended = true;
        wakeProcessor?.();
      }
    })();
    for (;;) {
      if (buffer.length === 0) {
        if (ended) break;
        await new Promise<void>((resolve) => (wakeProcessor = resolve));
        wakeProcessor = undefined;
        continue;
      }
      const batch = buffer.splice(0, maxBatch);
      wakeReader?.();
      if (aborted) continue;
      // Buffered after stop() or a fatal notification: hand back at once rather than after the ack wait.
      if (stopping || fatal.reason) {
        for (const msg of batch) msg.nak();
        continue;
      }
      await processBatch(batch.map(toDelivery), options, config.deadLetter, log);
    }
    await reader;
    if (failure !== undefined) throw failure;
    if (fatal.reason) throw new Error(fatal.reason);
  };

  const watchStatus = async (messages: ConsumerMessages, fatal: { reason?: string }): Promise<void> => {
    for await (const status of messages.status()) {
      const missedHeartbeats = status.type === 'heartbeats_missed' && status.count >= 2;
      if (FATAL_STATUSES.has(status.type) || missedHeartbeats) {
        fatal.reason = `consumer ${options.durable}: ${status.type}`;
        void messages.close();
        return;
      }
    }
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        interruptSleep = undefined;
        resolve();
      }
      interruptSleep = done;
    });

  const loop = (async () => {
    let failures = 0;
    let needsSetup = false;
    while (!stopping && !aborted) {
      try {
        if (needsSetup) await config.setup();
        const consumer = await config.js.consumers.get(config.stream, options.durable);
        const messages = await consumer.consume({ max_messages: pull, abort_on_missing_resource: true });
        current = messages;
        if (stopping || aborted) {
          void messages.close();
          break;
        }
        if (!loopUp && failures > 0) log.info({ restarts }, 'consumer resumed');
        loopUp = true;
        loopDownSince = undefined;
        failures = 0;
        const fatal: { reason?: string } = {};
        void watchStatus(messages, fatal).catch(() => undefined);
        await pump(messages, fatal);
        if (stopping || aborted) break;
        throw new Error(`consumer ${options.durable}: consume loop ended`);
      } catch (error) {
        if (stopping || aborted) break;
        if (loopUp || loopDownSince === undefined) loopDownSince = Date.now();
        loopUp = false;
        failures++;
        restarts++;
        needsSetup = true;
        lastError = errorText(error);
        const delay = Math.min(maxRestartBackoffMs, 100 * 2 ** Math.min(failures - 1, 8)) * (0.75 + Math.random() * 0.5);
        log.warn({ err: lastError, retry_in_ms: Math.round(delay), failures }, 'consumer loop failed; restarting');
        void current?.close().catch(() => undefined);
        current = undefined;
        await sleep(delay);
      }
    }
    loopUp = false;
  })();

  return {
    async stop() {
      if (stopping || aborted) return;
      stopping = true;
      interruptSleep?.();
      // Unsubscribes now; messages already buffered are still yielded (and handed back).
      void current?.close().catch(() => undefined);
      await loop;
    },
    abort() {
      aborted = true;
      interruptSleep?.();
      void current?.close().catch(() => undefined);
    },
    health(): ConsumerHealth {
      const disconnected = config.disconnectedSince();
      const downSince = [loopUp ? undefined : loopDownSince, disconnected].filter((t): t is number => t !== undefined);
      const health: ConsumerHealth = { up: downSince.length === 0 && !stopping && !aborted, restarts };
      if (downSince.length > 0) health.downSince = Math.min(...downSince);
      if (lastError !== undefined) health.lastError = lastError;
      return health;
    },
  };
};
