import pg from 'pg';
import { holdWritesUntilNextTick } from '@govern/platform-db';
import type { Logger } from 'pino';
import { natsHeadersFrom, type ServiceMetrics } from '@govern/platform-observability';
import { PublishError, errorText, type EventBus, type OutgoingMessage } from './event-bus';

/**
 * Moves committed outbox rows to the bus. It claims a batch with FOR UPDATE SKIP LOCKED
 * (replicas share the work, none publishes a row another holds), publishes the batch with
 * msgID = event_id (all of it in flight at once, acks awaited together), and stamps
 * published_at in the same transaction. A crash between publish and commit leaves the rows
 * unpublished: they are sent again and the stream's duplicate window (then the consumers'
 * inbox) drops the repeat.
 *
 * Wake-ups stay out of the writers' commits (issue 13: a NOTIFY in a transaction queues its
 * commit behind every other notifying commit of the database): the process that wrote rows
 * calls `kick()` after committing (the runtime's `eventsWritten()`); other replicas hear a
 * NOTIFY that a relay sends itself, outside any write transaction and at most every
 * `notifyDebounceMs`, when it sees a backlog (a full batch), so idle replicas help drain it;
 * and a short poll (`idlePollMs`) catches rows whose writer died before kicking.
 *
 * A row the bus refuses while it is up (the server answered, or a ping shows it can take
 * messages) counts a rejection; after `maxRejections` it is set dead (dead_at) and no longer
 * tried — visible and countable with `counts()`. An outage counts nothing against rows.
 * Published rows older than `retentionMs` are deleted in the background.
 */
export interface OutboxRelayOptions {
  pool: pg.Pool;
  /** For the LISTEN connection; defaults to the pool's settings. */
  connectionString?: string;
  bus: Pick<EventBus, 'publish'> & Partial<Pick<EventBus, 'ping'>>;
  log: Logger;
  /** Rows per claim and publish; default 500. */
  batchSize?: number;
  /** Hear other replicas' backlog NOTIFYs (server Postgres); false in embedded mode. */
  listen: boolean;
  /** Poll when nothing woke the relay; default 1 s. */
  idlePollMs?: number;
  /** Upper bound of the backoff after a failed batch; default 5 s. */
  maxBackoffMs?: number;
  /** Refusals of one row while the bus is up before the row is set dead; default 10. */
  maxRejections?: number;
  /** Published rows are deleted once older than this; default 7 days. 0 keeps them. */
  retentionMs?: number;
  /** How often retention runs; default 5 min. */
  pruneIntervalMs?: number;
  /** Least time between two backlog NOTIFYs of this relay; default 250 ms. */
  notifyDebounceMs?: number;
  /** Relay rate, failures and delay (govern_outbox_published_total, _publish_failures_total, _relay_delay_seconds). */
  metrics?: Pick<ServiceMetrics, 'outboxPublished' | 'outboxPublishFailed'>;
}

export interface OutboxRelay {
  start(): Promise<void>;
  /** Publish soon: call after committing outbox rows. */
  kick(): void;
  /** Publishes everything claimable now, ignoring backoff; rejects if a batch fails. Returns how many were published. */
  drain(): Promise<number>;
  /** Deletes published rows older than the retention age now; returns how many. */
  prune(): Promise<number>;
  /** Rows waiting to be published, and rows set dead. */
  counts(): Promise<{ unpublished: number; dead: number }>;
  /** Stops waking up, lets the batch in hand finish, closes the LISTEN connection. */
  stop(): Promise<void>;
}

export const OUTBOX_CHANNEL = 'outbox_events';

export const DEFAULT_OUTBOX_RETENTION_MS = 7 * 24 * 3_600_000;
export const DEFAULT_OUTBOX_MAX_REJECTIONS = 10;

interface OutboxRow {
  id: string;
  event_id: string;
  subject: string;
  event_type: string;
  payload: Buffer;
  rejections: number;
  occurred_at: Date;
  /** What traceContextForOutbox stored: sent on as traceparent / tracestate / Govern-Cascade-Started-At. */
  trace_context: string | null;
}

interface BatchResult {
  claimed: number;
  published: number;
  error?: string;
}

const PRUNE_CHUNK = 10_000;

const ignoreClientError = (): void => undefined;

/** node-postgres's pipeline mode (8.23): a query is written at once, without waiting for the answer to the one before. */
type PipelineClient = pg.PoolClient & { pipeline?: boolean };

const release = (client: pg.PoolClient, error?: Error): void => {
  client.off('error', ignoreClientError);
  // The pool's other users expect one statement at a time.
  (client as PipelineClient).pipeline = false;
  client.release(error);
};

export const createOutboxRelay = (options: OutboxRelayOptions): OutboxRelay => {
  const log = options.log.child({ component: 'outbox-relay' });
  const batchSize = options.batchSize ?? 500;
  const idlePollMs = options.idlePollMs ?? 1_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const maxRejections = options.maxRejections ?? DEFAULT_OUTBOX_MAX_REJECTIONS;
  const retentionMs = options.retentionMs ?? DEFAULT_OUTBOX_RETENTION_MS;
  const pruneIntervalMs = options.pruneIntervalMs ?? 300_000;
  const notifyDebounceMs = options.notifyDebounceMs ?? 250;

  let started = false;
  let stopped = false;
  let wanted = false;
  let failures = 0;
  let running: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let listener: pg.Client | undefined;
  let listenerRetry: NodeJS.Timeout | undefined;
  let listenerFailures = 0;
  let draining = false;
  let lastNotifyAt = 0;

  /** True when the bus can take messages now, so a refusal was about the message itself. */
  const busIsUp = async (): Promise<boolean> => {
    if (!options.bus.ping) return true;
    try {
      await options.bus.ping();
      return true;
    } catch {
      return false;
    }
  };

  /** Claims the next batch in a transaction that stays open until the batch is settled. */
  const claim = async (afterId?: string): Promise<{ client: pg.PoolClient; rows: OutboxRow[] } | undefined> => {
    const client = await options.pool.connect();
    // A checked-out client that loses its server emits 'error'; unheard, that ends the process.
    // The query in flight rejects anyway, and release(error) discards the client.
    client.on('error', ignoreClientError);
    // BEGIN and the claim leave together, and later the stamp and COMMIT (issue 13: a batch cost
    // four round trips to PostgreSQL besides its publish; under a paced load most batches are a
    // few events, so those round trips were most of the relay's time per event).
    (client as PipelineClient).pipeline = true;
    // In one socket write, so a server that runs what has arrived as one exchange runs them together.
    holdWritesUntilNextTick(client);
    try {
      const [, { rows }] = await Promise.all([
        client.query('BEGIN'),
        client.query<OutboxRow>(
        // The table's id, not the text alias of the same name (which ORDER BY would take first):
        // in text order '10' sorts before '9', so a batch left rows behind its last id and went
        // out of the outbox's order.
        `SELECT id::text AS id, event_id, subject, event_type, payload, rejections, occurred_at, trace_context
           FROM outbox_events
          WHERE published_at IS NULL AND dead_at IS NULL AND id > $2::bigint
          ORDER BY outbox_events.id
          LIMIT $1
            FOR UPDATE SKIP LOCKED`,
          [batchSize, afterId ?? '0'],
        ),
      ]);
      if (rows.length === 0) {
        await client.query('COMMIT');
        release(client);
        return undefined;
      }
      return { client, rows };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // A connection that failed mid-transaction is discarded rather than reused.
      release(client, error as Error);
      throw error;
    }
  };

  /** Sends a claimed batch (the publishes leave now, in order), then stamps what was stored and commits. */
  const send = (client: pg.PoolClient, rows: OutboxRow[]): Promise<BatchResult> => {
    const messages: OutgoingMessage[] = rows.map((row) => ({
      subject: row.subject,
      eventId: row.event_id,
      eventType: row.event_type,
      payload: new Uint8Array(row.payload),
      // Re-validated on the way out: a corrupted row puts nothing odd on the wire.
      headers: natsHeadersFrom(row.trace_context),
    }));
    const published = options.bus.publish(messages);
    return (async () => {
      const rowOf = new Map(rows.map((row) => [row.event_id, row]));
      let acked: string[];
      let failed: { eventId: string; error: string }[] = [];
      try {
        acked = (await published).map((ack) => ack.eventId);
      } catch (error) {
        if (error instanceof PublishError) {
          acked = error.acked.map((ack) => ack.eventId);
          failed = error.failed;
        } else {
          acked = [];
          failed = rows.map((row) => ({ eventId: row.event_id, error: errorText(error) }));
        }
      }
      try {
        // Sent, then the failures' update (if any) and COMMIT right behind it; all awaited together.
        holdWritesUntilNextTick(client);
        const stamped =
          acked.length > 0
            ? client.query(`UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::bigint[])`, [acked.map((id) => rowOf.get(id)?.id)])
            : undefined;
        stamped?.catch(() => undefined);
        if (failed.length > 0) await recordFailures(client, failed, rowOf, acked.length > 0);
        const [, committed] = await Promise.all([stamped, client.query('COMMIT')]);
        // A failed statement before it turns COMMIT into ROLLBACK (its error is thrown above first).
        if (committed.command !== 'COMMIT') throw new Error(`outbox batch ended with ${committed.command} instead of COMMIT`);
        release(client);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        release(client, error as Error);
        throw error;
      }
      if (options.metrics) {
        const now = Date.now();
        options.metrics.outboxPublished(
          acked.length,
          acked.map((id) => (now - (rowOf.get(id)?.occurred_at.getTime() ?? now)) / 1_000),
        );
        if (failed.length > 0) options.metrics.outboxPublishFailed(failed.length);
      }
      const result: BatchResult = { claimed: rows.length, published: acked.length };
      if (failed[0]) result.error = failed[0].error;
      return result;
    })();
  };

  const recordFailures = async (client: pg.PoolClient, failed: { eventId: string; error: string }[], rowOf: Map<string, OutboxRow>, othersWentOut: boolean) => {
    // Others of the batch went out, or the bus answers a ping: these rows were refused for what they are.
    const refused = othersWentOut || (await busIsUp());
    const { rows: tried } = await client.query<{ event_id: string; dead: boolean; last_error: string }>(
      `UPDATE outbox_events AS o
          SET attempts = o.attempts + 1,
              rejections = o.rejections + $3::int,
              last_error = f.error,
              dead_at = CASE WHEN o.rejections + $3::int >= $4::int THEN now() END
         FROM unnest($1::bigint[], $2::text[]) AS f(id, error)
        WHERE o.id = f.id
       RETURNING o.event_id, o.dead_at IS NOT NULL AS dead, o.last_error`,
      [failed.map((f) => rowOf.get(f.eventId)?.id), failed.map((f) => f.error.slice(0, 2_000)), refused ? 1 : 0, maxRejections],
    );
    for (const row of tried.filter((r) => r.dead)) {
      log.error({ event_id: row.event_id, err: row.last_error, rejections: maxRejections }, 'outbox event refused too often; set dead (outbox_events.dead_at)');
    }
  };

  interface InFlight {
    claimed: number;
    /** Highest outbox id of the batch: a claim overlapping it takes only rows after it. */
    lastId?: string;
    result: Promise<BatchResult>;
  }

  /**
   * Claims and sends a batch; never rejects (a failure is the result's error). `after` is the
   * batch still in flight, if any: its rows are not claimed again even if its transaction has
   * already ended (a fast failure), so no row is sent twice in one round.
   */
  const begin = async (after?: InFlight): Promise<InFlight> => {
    try {
      const claimed = await claim(after?.lastId);
      if (!claimed) return { claimed: 0, result: Promise.resolve({ claimed: 0, published: 0 }) };
      const size = claimed.rows.length;
      const lastId = claimed.rows[size - 1]?.id;
      const result = send(claimed.client, claimed.rows).catch((error: unknown) => ({ claimed: size, published: 0, error: errorText(error) }));
      return lastId === undefined ? { claimed: size, result } : { claimed: size, lastId, result };
    } catch (error) {
      return { claimed: 0, result: Promise.resolve({ claimed: 0, published: 0, error: errorText(error) }) };
    }
  };

  /** Tells other replicas' relays there is a backlog; its own short transaction, never a writer's. */
  const notifyBacklog = (): void => {
    if (!options.listen || Date.now() - lastNotifyAt < notifyDebounceMs) return;
    lastNotifyAt = Date.now();
    options.pool.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`).catch((error: unknown) => log.debug({ err: error }, 'backlog NOTIFY failed'));
  };

  const backoff = (): number => Math.min(maxBackoffMs, 100 * 2 ** Math.min(failures - 1, 10)) * (0.75 + Math.random() * 0.5);

  /** Books a settled batch; false when it failed (the relay then backs off). */
  const record = (result: BatchResult): boolean => {
    // Any failed message backs off, even when others in the batch went out: the failed row
    // stays first in id order and would otherwise be re-sent in a tight loop.
    if (result.error !== undefined) {
      failures++;
      if (!retryTimer) {
        const delay = backoff();
        log.warn({ err: result.error, claimed: result.claimed, retry_in_ms: Math.round(delay) }, 'outbox publish failed; backing off');
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          kick();
        }, delay);
      }
      return false;
    }
    failures = 0;
    if (result.published > 0) log.debug({ published: result.published }, 'outbox batch published');
    // A full batch means there may be more right behind it: let other replicas help.
    if (result.claimed === batchSize) notifyBacklog();
    return true;
  };

  /**
   * Under a backlog two batches overlap: the next is claimed and sent while the acks of the
   * previous (full) one are awaited (its rows stay locked, so the claim skips them; publishes
   * leave in id order on one connection, so the stream keeps the outbox's order). Otherwise one
   * batch at a time, so a quiet relay holds one pooled connection at most.
   */
  const pump = async (): Promise<void> => {
    let previous: InFlight | undefined;
    while (!stopped) {
      let current: InFlight | undefined;
      if (previous ? previous.claimed === batchSize : wanted) {
        wanted = false;
        current = await begin(previous);
      }
      if (previous) {
        if (!record(await previous.result)) {
          if (current) record(await current.result);
          // `wanted` is left as it is: the retry's timer may have fired while the overlapping batch
          // settled, and its kick, refused while this pump ran, is then only in `wanted` (clearing it
          // left the failed rows to the idle poll). While the timer is pending, nothing re-kicks.
          return;
        }
        previous = undefined;
        // Nothing claimed meanwhile: look again (a kick may have come while the acks did).
        if (!current) continue;
      }
      if (!current) return;
      previous = current;
    }
    if (previous) record(await previous.result);
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
    if (stopped || listenerRetry) return;
    listenerFailures++;
    const delay = Math.min(5_000, 100 * 2 ** Math.min(listenerFailures - 1, 6));
    log.warn({ err: error, retry_in_ms: delay }, 'outbox LISTEN connection lost; reconnecting');
    listenerRetry = setTimeout(() => {
      listenerRetry = undefined;
      connectListener().catch(scheduleListen);
    }, delay);
  };

  async function connectListener(): Promise<void> {
    const client = new pg.Client({
      ...(options.connectionString ? { connectionString: options.connectionString } : options.pool.options),
      application_name: 'govern-outbox-listener',
      // A connection that died without a FIN (host gone) is noticed, not waited on forever.
      keepAlive: true,
    });
    // Watched from before connect: a drop during or right after LISTEN is not missed.
    let ended = false;
    let live = false;
    const lost = (error?: Error): void => {
      if (ended) return;
      ended = true;
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
      if (ended) throw new Error('LISTEN connection ended while it was being set up');
    } catch (error) {
      ended = true;
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

  const prune = async (): Promise<number> => {
    if (retentionMs <= 0) return 0;
    let deleted = 0;
    for (;;) {
      // Chunked so one run never holds many row locks or one long transaction.
      const result = await options.pool.query(
        `DELETE FROM outbox_events WHERE id IN (
           SELECT id FROM outbox_events WHERE published_at < now() - make_interval(secs => $1::double precision / 1000) LIMIT $2)`,
        [retentionMs, PRUNE_CHUNK],
      );
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < PRUNE_CHUNK || stopped) return deleted;
    }
  };

  const schedulePrune = (): void => {
    pruneTimer = setTimeout(() => {
      prune()
        .then((deleted) => {
          if (deleted > 0) log.info({ deleted, retention_ms: retentionMs }, 'published outbox rows past retention deleted');
        })
        .catch((error: unknown) => log.warn({ err: error }, 'outbox retention failed; will retry'))
        .finally(() => {
          if (!stopped) schedulePrune();
        });
    }, pruneIntervalMs);
  };

  return {
    async start() {
      if (started) return;
      started = true;
      if (options.listen) {
        // Without LISTEN the relay still works (kicks and the poll): a failed LISTEN is retried, not fatal.
        await connectListener().catch((error: unknown) => scheduleListen(error));
      }
      schedulePoll();
      schedulePrune();
      kick();
    },
    kick,
    async drain() {
      // Hold the background pump off so nothing is left locked by it when this returns.
      draining = true;
      try {
        await running;
        let published = 0;
        // One batch at a time: a claim that finds nothing then means nothing is left.
        for (;;) {
          const result = await (await begin()).result;
          published += result.published;
          if (result.error !== undefined) throw new Error(`outbox drain: ${result.error}`);
          if (result.claimed === 0) return published;
        }
      } finally {
        draining = false;
        if (wanted) kick();
      }
    },
    prune,
    async counts() {
      const { rows } = await options.pool.query<{ unpublished: string; dead: string }>(
        `SELECT count(*) FILTER (WHERE published_at IS NULL AND dead_at IS NULL) AS unpublished, count(*) FILTER (WHERE dead_at IS NOT NULL) AS dead
           FROM outbox_events WHERE published_at IS NULL`,
      );
      return { unpublished: Number(rows[0]?.unpublished ?? 0), dead: Number(rows[0]?.dead ?? 0) };
    },
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      clearTimeout(pollTimer);
      clearTimeout(pruneTimer);
      clearTimeout(listenerRetry);
      await running;
      const client = listener;
      listener = undefined;
      await client?.end().catch(() => undefined);
    },
  };
};
