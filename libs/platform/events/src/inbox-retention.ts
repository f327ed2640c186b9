import type pg from 'pg';
import type { Logger } from 'pino';
import { startPeriodicTask, type PeriodicTask } from '@govern/platform-db';
import { DEFAULT_STREAM_LIMITS } from './event-bus';

/**
 * How long a consumer's inbox row is kept unless told: a day longer than the streams keep an event
 * (`EVENT_STREAM_MAX_AGE_MS`). Every copy of an event that can reach a consumer comes from
 * a stream: the producer's (a redelivery, a re-published copy) or the dead-letter stream (a
 * re-drive), and both discard an event at that age. Once no copy can come, the row that would have
 * recognised it keeps nothing from happening twice, and the inbox otherwise grows by every event
 * every consumer handles (86 million rows a day at 1,000 events a second).
 */
export const inboxRetentionFor = (streamMaxAgeMs: number): number => streamMaxAgeMs + 24 * 3_600_000;

/** `inboxRetentionFor` the streams' default age (7 days): 8 days. */
export const DEFAULT_INBOX_RETENTION_MS = inboxRetentionFor(DEFAULT_STREAM_LIMITS.maxAgeMs);

/**
 * The least an inbox must outlive the streams by: the row's age is read on PostgreSQL's clock and
 * the event's on the NATS server's, and the two may disagree.
 */
const INBOX_RETENTION_MARGIN_MS = 3_600_000;

/** Rows per DELETE: one run never holds many row locks or one long transaction. */
const PRUNE_CHUNK = 5_000;

export interface InboxRetentionOptions {
  pool: pg.Pool;
  log: Logger;
  /** Rows processed longer ago than this are deleted; 0 keeps them. Default `DEFAULT_INBOX_RETENTION_MS`. */
  retentionMs?: number;
  /** How often retention runs; default 5 min. */
  intervalMs?: number;
  /** Rows per DELETE; default 5,000. */
  chunkSize?: number;
}

export interface InboxRetention {
  /** Deletes the rows past the retention age now; returns how many. */
  prune(): Promise<number>;
  /** Runs `prune` every `intervalMs` until `stop`. */
  start(): void;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Deletes inbox rows (`inbox_events`, every consumer of the service) once no copy of their event
 * can be delivered again: processed longer ago than the retention, which must exceed the streams'
 * age (`inboxRetentionProblem`). Oldest first through the index on `processed_at`, a chunk a
 * statement. Replicas run it side by side: each skips the rows another is deleting.
 */
export const createInboxRetention = (options: InboxRetentionOptions): InboxRetention => {
  const log = options.log.child({ component: 'inbox-retention' });
  const retentionMs = options.retentionMs ?? DEFAULT_INBOX_RETENTION_MS;
  const intervalMs = options.intervalMs ?? 300_000;
  const chunkSize = options.chunkSize ?? PRUNE_CHUNK;
  let task: PeriodicTask | undefined;
  let stopped = false;

  const prune = async (): Promise<number> => {
    if (retentionMs <= 0) return 0;
    let deleted = 0;
    for (;;) {
      const result = await options.pool.query(
        `DELETE FROM inbox_events WHERE (consumer, event_id) IN (
           SELECT consumer, event_id FROM inbox_events
            WHERE processed_at < now() - make_interval(secs => $1::double precision / 1000)
            ORDER BY processed_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [retentionMs, chunkSize],
      );
      const count = result.rowCount ?? 0;
      deleted += count;
      if (count < chunkSize || stopped) return deleted;
    }
  };

  return {
    prune,
    start() {
      if (retentionMs <= 0 || stopped || task) return;
      task = startPeriodicTask({
        intervalMs,
        run: async () => {
          const deleted = await prune();
          if (deleted > 0) log.info({ deleted, retention_ms: retentionMs }, 'inbox rows past retention deleted');
        },
        onError: (error) => log.warn({ err: error }, 'inbox retention failed; will retry'),
      });
    },
    async stop() {
      stopped = true;
      await task?.stop();
    },
  };
};

/**
 * What is wrong with an inbox retention that would forget an event a stream may still deliver, or
 * undefined: it must be 0 (kept forever), or longer than the streams' age by at least
 * `INBOX_RETENTION_MARGIN_MS`.
 */
export const inboxRetentionProblem = (retentionMs: number, streamMaxAgeMs: number): string | undefined =>
  retentionMs === 0 || retentionMs >= streamMaxAgeMs + INBOX_RETENTION_MARGIN_MS
    ? undefined
    : `INBOX_RETENTION_MS: ${retentionMs} ms forgets events the streams still hold; give 0 (keep) or at least EVENT_STREAM_MAX_AGE_MS (${streamMaxAgeMs}) plus an hour, ` +
      'since a stream may deliver an event again until it is that old and its inbox row is what recognises it';
