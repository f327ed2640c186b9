import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServiceMetrics, jobsSnapshotFrom, outboxSnapshotFrom, parseExposition, sampleValue } from '@govern/platform-observability';

/**
 * The observability lib's scrape-time queries against the platform tables as every service's
 * migrations create them. It lives here, not in platform-observability, because the test
 * database comes from platform-testing, which depends on platform-grpc, which depends on
 * platform-observability: a test there would close a project cycle.
 */
const PLATFORM_MIGRATIONS = join(import.meta.dirname, '..', 'prisma', 'migrations');

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase({ migrationsDir: PLATFORM_MIGRATIONS, prefix: 'govern_obs' });
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

beforeEach(async () => {
  await pool.query('TRUNCATE outbox_events, scheduled_jobs');
});

const outboxRow = (eventId: string, ageSeconds: number, published: boolean) =>
  pool.query(
    `INSERT INTO outbox_events (event_id, subject, event_type, payload, occurred_at, published_at)
     VALUES ($1, 'govern.test.thing.happened', 'govern.test.v1.ThingHappened', '\\x00', now() - make_interval(secs => $2), CASE WHEN $3 THEN now() END)`,
    [eventId, ageSeconds, published],
  );

describe('outboxSnapshotFrom', () => {
  it('reports an empty outbox as no backlog and age 0', async () => {
    expect(await outboxSnapshotFrom(pool)()).toEqual({ backlog: 0, oldestAgeSeconds: 0 });
  });

  it('counts unpublished rows and ages the oldest of them, ignoring published ones', async () => {
    await outboxRow('e-published-long-ago', 3_600, true);
    await outboxRow('e-1', 90, false);
    await outboxRow('e-2', 5, false);
    const snapshot = await outboxSnapshotFrom(pool)();
    expect(snapshot.backlog).toBe(2);
    expect(snapshot.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
    expect(snapshot.oldestAgeSeconds).toBeLessThan(3_600);
  });
});

describe('jobsSnapshotFrom', () => {
  const schedule = (kind: string, key: string, dueAt: Date, completed = false) =>
    pool.query(`INSERT INTO scheduled_jobs (kind, key, due_at, completed_at) VALUES ($1, $2, $3, $4)`, [kind, key, dueAt, completed ? dueAt : null]);

  it('counts due and overdue jobs per kind by the service clock, leaving out future and completed ones', async () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    await schedule('DISPATCH_DEADLINE', 'o-1', ago(10_000));
    await schedule('DISPATCH_DEADLINE', 'o-2', ago(5 * 60_000));
    await schedule('DISPATCH_DEADLINE', 'o-3', new Date(now.getTime() + 60_000));
    await schedule('DISPATCH_DEADLINE', 'o-4', ago(3_600_000), true);
    await schedule('SANCTION_END', 's-1', ago(2 * 60_000));
    expect(await jobsSnapshotFrom(pool, { now: () => now, overdueAfterMs: 60_000 })()).toEqual([
      { kind: 'DISPATCH_DEADLINE', due: 2, overdue: 1, oldestDueAgeSeconds: 300 },
      { kind: 'SANCTION_END', due: 1, overdue: 1, oldestDueAgeSeconds: 120 },
    ]);
  });

  it('feeds the service metrics at scrape time', async () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    await schedule('SANCTION_END', 's-2', new Date(now.getTime() - 120_000));
    await outboxRow('e-3', 30, false);
    const metrics = createServiceMetrics({ serviceName: 'merchant-access', processMetrics: false });
    metrics.observeJobs(jobsSnapshotFrom(pool, { now: () => now }));
    metrics.observeOutbox(outboxSnapshotFrom(pool));
    metrics.observeDbPool('main', pool);
    const f = parseExposition(await metrics.text());
    expect(sampleValue(f, 'govern_jobs_overdue', { kind: 'SANCTION_END' })).toBe(1);
    expect(sampleValue(f, 'govern_outbox_backlog')).toBe(1);
    expect(sampleValue(f, 'govern_outbox_oldest_unpublished_age_seconds')).toBeGreaterThanOrEqual(30);
    expect(sampleValue(f, 'govern_db_pool_max_connections', { pool: 'main' })).toBe(2);
    expect(sampleValue(f, 'govern_db_pool_waiting_requests', { pool: 'main' })).toBe(0);
  });
});
