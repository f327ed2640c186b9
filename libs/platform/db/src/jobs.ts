import type pg from 'pg';
import type { Clock } from '@govern/policy-core';
import type { Logger } from 'pino';
import { trace } from '@opentelemetry/api';
import { markSpanFailed, traceContextForJob, withJobSpan, type ServiceMetrics, type Telemetry } from '@govern/platform-observability';
import { runTransaction, type DbTransaction } from './pg-transaction';
import { sql } from './sql';
import type { SqlTx, TransactionalClient } from './transaction';

/**
 * Durable timers: "dispatch deadline at paid_at + 48 h", "sanction ends in 7 days".
 * They live in `scheduled_jobs`, written in the same transaction as the state that
 * needs them, so a restart forgets nothing; due rows are claimed with
 * FOR UPDATE SKIP LOCKED and run in the transaction that completes them, so each runs
 * once across replicas. Due-ness is judged by the injected clock, so tests move time.
 */
export interface JobToSchedule {
  kind: string;
  /** Unique per kind (e.g. an order id): scheduling twice keeps the first. */
  key: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
  /**
   * The job acts as the service itself, not as the actor that scheduled it: for a job many
   * actors' facts feed (a debounced report), where the first scheduler is not its cause.
   */
  asService?: boolean;
}

export interface DueJob {
  id: bigint;
  kind: string;
  key: string;
  dueAt: Date;
  payload: Record<string, unknown>;
  attempts: number;
  /** `scheduled_jobs.trace_context`: what scheduled the job (null for rows written without a span). */
  traceContext?: string | null;
  /** `scheduled_jobs.caused_by`: the actor (govern.common.v1.Actor as JSON) that caused the job; null for the service itself. */
  causedBy?: unknown;
}

/** Schedules jobs in the caller's transaction; each keeps the current trace context, which its span will link to. */
export const scheduleJobs = async (tx: SqlTx, jobs: readonly JobToSchedule[]): Promise<void> => {
  if (jobs.length === 0) return;
  const traceContext = traceContextForJob();
  const values: unknown[] = [];
  const rows = jobs.map((job, i) => {
    values.push(job.kind, job.key, job.dueAt, JSON.stringify(job.payload ?? {}), traceContext);
    return `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}::jsonb, $${i * 5 + 5})`;
  });
  await tx.$executeRawUnsafe(
    `INSERT INTO scheduled_jobs (kind, key, due_at, payload, trace_context) VALUES ${rows.join(', ')} ON CONFLICT (kind, key) DO NOTHING`,
    ...values,
  );
};

/** Cancels pending jobs (e.g. the dispatch timer once the order ships). */
export const cancelJobs = async (tx: SqlTx, kind: string, keys: readonly string[]): Promise<void> => {
  if (keys.length === 0) return;
  await tx.$executeRawUnsafe(`DELETE FROM scheduled_jobs WHERE kind = $1 AND key = ANY($2::text[]) AND completed_at IS NULL`, kind, keys);
};

/**
 * Runs one due job inside the transaction that completes it: `tx` is the service's Prisma client
 * there (joined on first use), `transaction` the same transaction for plain SQL and units of work.
 */
export type JobHandler<Tx extends SqlTx> = (job: DueJob, tx: Tx, transaction: DbTransaction<Tx>) => Promise<void>;

export interface JobRunner {
  /** Runs every job due now (by the clock); returns how many ran. Tests call this after moving the clock. */
  runDue(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export const createJobRunner = <Tx extends SqlTx>(options: {
  /** The service's database: jobs run in platform-owned transactions (runTransaction) on its pool. */
  database: { pool: pg.Pool; client?: TransactionalClient<Tx> };
  clock: Clock;
  log: Logger;
  handlers: Record<string, JobHandler<Tx>>;
  batchSize?: number;
  pollMs?: number;
  maxAttempts?: number;
  /** Called after a job's transaction committed (e.g. to wake the outbox relay). */
  afterCommit?: () => void;
  /** Each job runs in a span `job <kind>` linked to what scheduled it (the runtime passes the service's). */
  telemetry?: Pick<Telemetry, 'tracer'>;
  /** govern_job_runs_total / govern_job_lateness_seconds. */
  metrics?: Pick<ServiceMetrics, 'jobRun'>;
  /**
   * Kinds that continue a cascade at once (the next chunk of a compensation): their span is a
   * child of the scheduling trace instead of a new trace linked to it.
   */
  continuationKinds?: readonly string[];
}): JobRunner => {
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 10;
  const kinds = Object.keys(options.handlers);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  const continuationKinds = new Set(options.continuationKinds ?? []);

  const runOne = (job: DueJob): Promise<void> => {
    const now = () => options.clock.now().getTime();
    if (!options.telemetry) return runClaimed(job);
    return withJobSpan(options.telemetry, job, () => runClaimed(job), { relation: continuationKinds.has(job.kind) ? 'child' : 'link', now });
  };

  const runClaimed = async (job: DueJob): Promise<void> => {
    // runDue selects only the kinds this runner has handlers for.
    const handler = options.handlers[job.kind] as JobHandler<Tx>;
    const latenessSeconds = Math.max(0, options.clock.now().getTime() - job.dueAt.getTime()) / 1_000;
    try {
      let ran = false;
      await runTransaction(options.database, async (t) => {
        // Re-claim inside the effect's transaction (sent with BEGIN): another replica may have run it meanwhile.
        const claimed = await t.sql.query(sql`SELECT id FROM scheduled_jobs WHERE id = ${job.id} AND completed_at IS NULL FOR UPDATE SKIP LOCKED`);
        if (claimed.length === 0) return;
        await handler(job, t.tx, t);
        ran = true;
        // Sent behind the handler's effects, with COMMIT.
        t.sql.send(sql`UPDATE scheduled_jobs SET completed_at = ${options.clock.now()}, attempts = attempts + 1 WHERE id = ${job.id}`);
      });
      if (ran) options.metrics?.jobRun({ kind: job.kind, outcome: 'completed', latenessSeconds });
      options.afterCommit?.();
    } catch (error) {
      options.metrics?.jobRun({ kind: job.kind, outcome: job.attempts + 1 >= maxAttempts ? 'given_up' : 'failed', latenessSeconds });
      // The failure is handled here (retried later), so the job's span would not see it otherwise.
      const span = options.telemetry ? trace.getActiveSpan() : undefined;
      if (span) markSpanFailed(span, error);
      options.log.error({ err: error, job: { id: String(job.id), kind: job.kind, key: job.key } }, 'scheduled job failed');
      const now = options.clock.now();
      // Back off from now (an overdue job retried from its old due time would run again at once);
      // after maxAttempts the job is given up, marked completed with its last error.
      await options.database.pool.query(
        `UPDATE scheduled_jobs SET attempts = attempts + 1, last_error = $2,
           due_at = CASE WHEN attempts + 1 >= $3 THEN due_at ELSE GREATEST(due_at, $4) + make_interval(secs => power(2, attempts + 1)) END,
           completed_at = CASE WHEN attempts + 1 >= $3 THEN $4 ELSE NULL END
         WHERE id = $1`,
        [job.id, String((error as Error).message ?? error), maxAttempts, now],
      );
    }
  };

  const runDue = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      // A plain read: each job is claimed again in the transaction that runs it.
      const { rows: due } = await options.database.pool.query<{
        id: string;
        kind: string;
        key: string;
        due_at: Date;
        payload: Record<string, unknown>;
        attempts: number;
        trace_context: string | null;
        caused_by: unknown;
      }>(
        `SELECT id, kind, key, due_at, payload, attempts, trace_context, caused_by FROM scheduled_jobs
          WHERE completed_at IS NULL AND due_at <= $1 AND kind = ANY($2::text[])
          ORDER BY due_at, id LIMIT $3`,
        [options.clock.now(), kinds, batchSize],
      );
      for (const row of due) {
        await runOne({ id: BigInt(row.id), kind: row.kind, key: row.key, dueAt: row.due_at, payload: row.payload, attempts: row.attempts, traceContext: row.trace_context, causedBy: row.caused_by });
      }
      total += due.length;
      if (due.length < batchSize) return total;
    }
  };

  const tick = async (): Promise<void> => {
    if (stopped) return;
    running = runDue().catch((error) => {
      options.log.error({ err: error }, 'job runner tick failed');
      return 0;
    });
    await running;
    if (!stopped) timer = setTimeout(() => void tick(), options.pollMs ?? 1_000);
  };

  return {
    runDue,
    start() {
      stopped = false;
      void tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
};
