import type { JobKindSnapshot, OutboxSnapshot } from './service-metrics';

/** What these queries need of a connection: `pg.Pool` and `pg.Client` fit. */
export interface Queryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** Counting stops here: a backlog this size already says everything, and counting further costs a scan. */
export const OUTBOX_BACKLOG_COUNT_LIMIT = 100_000;

/**
 * The outbox at a scrape: rows waiting for the relay (counted up to OUTBOX_BACKLOG_COUNT_LIMIT)
 * and the age of the oldest. Rows set dead (refused by the bus past the bound) wait for no one
 * and are left out, so one dead row does not hold the age alert up for ever. Both read the partial index on unpublished rows
 * (`outbox_events_unpublished_idx`), so a healthy, empty outbox costs two index probes.
 * Ages come from the database clock, the one `occurred_at` is compared with at the relay.
 */
export const outboxSnapshotFrom =
  (db: Queryable): (() => Promise<OutboxSnapshot>) =>
  async () => {
    const { rows } = await db.query<{ backlog: number; oldest_age_seconds: number | null }>(
      `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM outbox_events WHERE published_at IS NULL AND dead_at IS NULL LIMIT $1) AS waiting) AS backlog,
              (SELECT extract(epoch FROM now() - occurred_at)::float8 FROM outbox_events WHERE published_at IS NULL AND dead_at IS NULL ORDER BY id LIMIT 1) AS oldest_age_seconds`,
      [OUTBOX_BACKLOG_COUNT_LIMIT],
    );
    const row = rows[0];
    return { backlog: Number(row?.backlog ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.oldest_age_seconds ?? 0)) };
  };

/**
 * Due and overdue durable jobs per kind at a scrape, judged by the service's clock (tests move
 * it) — the same clock the job runner uses. Reads `scheduled_jobs_due_at_idx`: only rows due
 * now are visited. Completed rows are skipped by their `completed_at`.
 */
export const jobsSnapshotFrom =
  (db: Queryable, options: { now?: () => Date; overdueAfterMs?: number } = {}): (() => Promise<JobKindSnapshot[]>) =>
  async () => {
    const now = options.now?.() ?? new Date();
    const overdueBefore = new Date(now.getTime() - (options.overdueAfterMs ?? 60_000));
    const { rows } = await db.query<{ kind: string; due: number; overdue: number; oldest_due_age_seconds: number }>(
      `SELECT kind,
              count(*)::int AS due,
              (count(*) FILTER (WHERE due_at <= $2))::int AS overdue,
              extract(epoch FROM $1::timestamptz - min(due_at))::float8 AS oldest_due_age_seconds
         FROM scheduled_jobs
        WHERE completed_at IS NULL AND due_at <= $1
        GROUP BY kind
        ORDER BY kind`,
      [now, overdueBefore],
    );
    return rows.map((row) => ({ kind: row.kind, due: Number(row.due), overdue: Number(row.overdue), oldestDueAgeSeconds: Math.max(0, Number(row.oldest_due_age_seconds)) }));
  };
