import pg from 'pg';
import type { Logger } from 'pino';
import { PublishError, errorText, type EventBus, type OutgoingMessage } from './event-bus';

/**
 * Moves committed outbox rows to the bus. It claims a batch with FOR UPDATE SKIP LOCKED
 * (replicas share the work, none publishes a row another holds), publishes the batch
 * with msgID = event_id, and stamps published_at in the same transaction. A crash
 * between publish and commit leaves the rows unpublished: they are sent again and the
 * stream's duplicate window (then the consumers' inbox) drops the repeat.
 *
 * It wakes on NOTIFY outbox_events (sent by the table's trigger at commit) through a
 * dedicated connection that reconnects, on `kick()` (embedded mode, where LISTEN is not
 * available, calls it after committing), and on a slow safety poll.
 */
export interface OutboxRelayOptions {
  pool: pg.Pool;
  /** For the LISTEN connection; defaults to the pool's settings. */
  connectionString?: string;
  bus: Pick<EventBus, 'publish'>;
  log: Logger;
  /** Rows per claim and publish; default 100. */
  batchSize?: number;
  /** Wake on NOTIFY (server Postgres); false in embedded mode (call `kick()`). */
  listen: boolean;
  /** Safety poll when nothing woke the relay; default 10 s with LISTEN, 1 s without. */
  idlePollMs?: number;
  /** Upper bound of the backoff after a failed batch; default 5 s. */
  maxBackoffMs?: number;
}

export interface OutboxRelay {
  start(): Promise<void>;
  /** Publish soon: call after committing outbox rows where LISTEN is not available. */
  kick(): void;
  /** Publishes everything claimable now, ignoring backoff; rejects if a batch fails. Returns how many were published. */
  drain(): Promise<number>;
  /** Stops waking up, lets the batch in hand finish, closes the LISTEN connection. */
  stop(): Promise<void>;
}

export const OUTBOX_CHANNEL = 'outbox_events';

interface OutboxRow {
  id: string;
  event_id: string;
  subject: string;
  event_type: string;
  payload: Buffer;
}

interface BatchResult {
  claimed: number;
  published: number;
  error?: string;
}

export const createOutboxRelay = (options: OutboxRelayOptions): OutboxRelay => {
  const log = options.log.child({ component: 'outbox-relay' });
  const batchSize = options.batchSize ?? 100;
  const idlePollMs = options.idlePollMs ?? (options.listen ? 10_000 : 1_000);
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;

  let started = false;
  let stopped = false;
  let wanted = false;
  let failures = 0;
  let running: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let listener: pg.Client | undefined;
  let listenerRetry: NodeJS.Timeout | undefined;
  let listenerFailures = 0;
  let draining = false;

  const publishBatch = async (): Promise<BatchResult> => {
    const client = await options.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT id::text AS id, event_id, subject, event_type, payload
           FROM outbox_events
          WHERE published_at IS NULL
          ORDER BY id
          LIMIT $1
            FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return { claimed: 0, published: 0 };
      }
      const messages: OutgoingMessage[] = rows.map((row) => ({
        subject: row.subject,
        eventId: row.event_id,
        eventType: row.event_type,
        payload: new Uint8Array(row.payload),
      }));
      const idOf = new Map(rows.map((row) => [row.event_id, row.id]));
      let acked: string[];
      let failed: { eventId: string; error: string }[] = [];
      try {
        acked = (await options.bus.publish(messages)).map((ack) => ack.eventId);
      } catch (error) {
        if (error instanceof PublishError) {
          acked = error.acked.map((ack) => ack.eventId);
          failed = error.failed;
        } else {
          acked = [];
          failed = rows.map((row) => ({ eventId: row.event_id, error: errorText(error) }));
        }
      }
      if (acked.length > 0) {
        await client.query(`UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::bigint[])`, [acked.map((id) => idOf.get(id))]);
      }
      if (failed.length > 0) {
        await client.query(
          `UPDATE outbox_events AS o SET attempts = o.attempts + 1, last_error = f.error
             FROM unnest($1::bigint[], $2::text[]) AS f(id, error)
            WHERE o.id = f.id`,
          [failed.map((f) => idOf.get(f.eventId)), failed.map((f) => f.error.slice(0, 2_000))],
        );
      }
      await client.query('COMMIT');
      const result: BatchResult = { claimed: rows.length, published: acked.length };
      if (failed[0]) result.error = failed[0].error;
      return result;
    } catch (error) {
      broken = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A connection that failed mid-transaction is discarded rather than reused.
      client.release(broken);
    }
  };

  const backoff = (): number => Math.min(maxBackoffMs, 100 * 2 ** Math.min(failures - 1, 10)) * (0.75 + Math.random() * 0.5);

  const pump = async (): Promise<void> => {
    while (wanted && !stopped) {
      wanted = false;
      let result: BatchResult;
      try {
        result = await publishBatch();
      } catch (error) {
        result = { claimed: 0, published: 0, error: errorText(error) };
      }
      // Any failed message backs off, even when others in the batch went out: the failed row
      // stays first in id order and would otherwise be re-sent in a tight loop.
      if (result.error !== undefined) {
        failures++;
        const delay = backoff();
        log.warn({ err: result.error, claimed: result.claimed, retry_in_ms: Math.round(delay) }, 'outbox publish failed; backing off');
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          kick();
        }, delay);
        wanted = false;
        return;
      }
      failures = 0;
      if (result.published > 0) log.debug({ published: result.published }, 'outbox batch published');
      // A full batch means there may be more right behind it.
      if (result.claimed === batchSize) wanted = true;
    }
  };

  function kick(): void {
    wanted = true;
    if (!started || stopped || draining || running || retryTimer) return;
    running = pump().finally(() => {
      running = undefined;
      if (wanted && !retryTimer) kick();
    });
  }

  const scheduleListen = (error?: unknown): void => {
    if (stopped) return;
    listenerFailures++;
    const delay = Math.min(5_000, 100 * 2 ** Math.min(listenerFailures - 1, 6));
    log.warn({ err: error, retry_in_ms: delay }, 'outbox LISTEN connection lost; reconnecting');
    listenerRetry = setTimeout(() => {
      listenerRetry = undefined;
      connectListener().catch(scheduleListen);
    }, delay);
  };

  async function connectListener(): Promise<void> {
    const client = new pg.Client(
      options.connectionString
        ? { connectionString: options.connectionString, application_name: 'govern-outbox-listener' }
        : { ...options.pool.options, application_name: 'govern-outbox-listener' },
    );
    let live = false;
    const lost = (error?: Error): void => {
      if (!live) return;
      live = false;
      if (listener === client) listener = undefined;
      void client.end().catch(() => undefined);
      scheduleListen(error);
    };
    client.on('notification', () => kick());
    client.on('error', (error) => lost(error));
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    live = true;
    listener = client;
    listenerFailures = 0;
    // Rows committed while we were not listening sent a notification nobody heard.
    kick();
  }

  const schedulePoll = (): void => {
    pollTimer = setTimeout(() => {
      kick();
      if (!stopped) schedulePoll();
    }, idlePollMs);
  };

  return {
    async start() {
      if (started) return;
      started = true;
      if (options.listen) await connectListener();
      schedulePoll();
      kick();
    },
    kick,
    async drain() {
      // Hold the background pump off so nothing is left locked by it when this returns.
      draining = true;
      try {
        await running;
        let published = 0;
        for (;;) {
          const result = await publishBatch();
          published += result.published;
          if (result.error !== undefined) throw new Error(`outbox drain: ${result.error}`);
          if (result.claimed === 0) return published;
        }
      } finally {
        draining = false;
        if (wanted) kick();
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(pollTimer);
      clearTimeout(listenerRetry);
      await running;
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
    },
  };
};
