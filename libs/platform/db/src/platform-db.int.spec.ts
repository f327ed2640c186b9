import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, HOUR, ManualClock } from '@govern/policy-core';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { PrismaClient } from './generated/test-client/client';
import { connectPrisma, type DatabaseConnection } from './prisma-client';
import { compareSchemaWithDatabase } from './schema-check';
import { fingerprintOf, runIdempotent } from './idempotency';
import { runInTransaction } from './transaction';
import { createJobRunner, scheduleJobs, type DueJob } from './jobs';

const MIGRATIONS = join(import.meta.dirname, '..', 'prisma', 'migrations');
const log = pino({ level: 'silent' });

describe('platform tables through a Prisma client', () => {
  let db: TestDatabase;
  let conn: DatabaseConnection<PrismaClient>;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MIGRATIONS, prefix: 'platform_db' });
    conn = connectPrisma((adapter) => new PrismaClient({ adapter }), { connectionString: db.url, poolSize: 20 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('schema and migrations agree, and every model round-trips', async () => {
    expect(await compareSchemaWithDatabase(conn.client, conn.pool)).toEqual([]);
    const p = conn.client;
    const outbox = await p.outboxEvent.create({
      data: { eventId: 'e1', subject: 's', eventType: 't', payload: new Uint8Array([1, 2]), occurredAt: new Date('2026-01-01T00:00:00Z') },
    });
    expect(await p.outboxEvent.findUniqueOrThrow({ where: { id: outbox.id } })).toMatchObject({ eventId: 'e1', publishedAt: null, attempts: 0 });
    await p.inboxEvent.create({ data: { consumer: 'c', eventId: 'e1', subject: 's' } });
    expect(await p.inboxEvent.count()).toBe(1);
    await p.idempotencyKey.create({ data: { scope: 'x', requestId: 'r', fingerprint: 'f', response: new Uint8Array([9]) } });
    expect((await p.idempotencyKey.findFirstOrThrow()).response).toEqual(new Uint8Array([9]));
    await p.scheduledJob.create({ data: { kind: 'k', key: '1', dueAt: new Date(), payload: { a: 1 } } });
    expect((await p.scheduledJob.findFirstOrThrow()).payload).toEqual({ a: 1 });
  });

  it('a schema change without its migration is reported', async () => {
    await conn.pool.query('ALTER TABLE inbox_events RENAME COLUMN subject TO topic');
    try {
      const problems = await compareSchemaWithDatabase(conn.client, conn.pool);
      expect(problems).toContain('model InboxEvent: column "inbox_events.subject" is missing');
      expect(problems).toContain('table "inbox_events": column "topic" is required but not in model InboxEvent');
    } finally {
      await conn.pool.query('ALTER TABLE inbox_events RENAME COLUMN topic TO subject');
    }
  });

  it('a Prisma-owned transaction that deadlocks on every attempt is ABORTED TRANSACTION.CONFLICT, with nothing of it kept', async () => {
    let attempts = 0;
    const error = await runInTransaction(conn.client, async (tx) => {
      attempts++;
      await tx.inboxEvent.create({ data: { consumer: 'deadlocked', eventId: `try-${attempts}`, subject: 's' } });
      // What PostgreSQL answers the transaction it picks to break a deadlock.
      await tx.$executeRawUnsafe(`DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = 'deadlock_detected'; END $$`);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'ABORTED', code: 'TRANSACTION.CONFLICT' });
    expect(attempts).toBe(3);
    expect(await conn.client.inboxEvent.count({ where: { consumer: 'deadlocked' } })).toBe(0);
  });

  it('concurrent duplicates of one request_id run the work once and all get the same answer', async () => {
    let executions = 0;
    const request = new TextEncoder().encode('refund order 1');
    const call = { scope: 'test.Refund', requestId: 'req-1', fingerprint: fingerprintOf(request) };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        runInTransaction(conn.client, (tx) =>
          runIdempotent(tx, call, async () => {
            executions++;
            await tx.$executeRawUnsafe(`SELECT pg_sleep(0.05)`);
            return new TextEncoder().encode(`answer-${executions}`);
          }),
        ),
      ),
    );
    expect(executions).toBe(1);
    expect(new Set(results.map((r) => new TextDecoder().decode(r.response)))).toEqual(new Set(['answer-1']));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it('a request_id reused for a different request is refused', async () => {
    const first = { scope: 'test.Refund', requestId: 'req-2', fingerprint: fingerprintOf(new Uint8Array([1])) };
    await runInTransaction(conn.client, (tx) => runIdempotent(tx, first, async () => new Uint8Array([1])));
    const other = { ...first, fingerprint: fingerprintOf(new Uint8Array([2])) };
    await expect(runInTransaction(conn.client, (tx) => runIdempotent(tx, other, async () => new Uint8Array([2])))).rejects.toMatchObject({
      code: 'REQUEST_ID.REUSED',
    });
  });

  it('a deadline that passes mid-transaction rolls everything back', async () => {
    const deadline = new Date(Date.now() + 300);
    const attempt = runInTransaction(
      conn.client,
      async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('deadline', 'x', 's')`);
        await tx.$executeRawUnsafe(`SELECT pg_sleep(2)`);
      },
      { deadline },
    );
    await expect(attempt).rejects.toSatisfy((e: unknown) => e instanceof DomainError && e.kind === 'DEADLINE_EXCEEDED');
    expect(await conn.client.inboxEvent.count({ where: { consumer: 'deadline' } })).toBe(0);
  });

  it('durable jobs fire when the clock passes their due time, once, and survive a new runner', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const fired: string[] = [];
    const handlers = {
      'order.dispatch-deadline': async (job: DueJob) => {
        fired.push(job.key);
      },
    };
    await runInTransaction(conn.client, (tx) =>
      scheduleJobs(tx, [
        { kind: 'order.dispatch-deadline', key: 'o1', dueAt: new Date(clock.now().getTime() + 48 * HOUR) },
        { kind: 'order.dispatch-deadline', key: 'o2', dueAt: new Date(clock.now().getTime() + 72 * HOUR) },
        { kind: 'order.dispatch-deadline', key: 'o1', dueAt: new Date(clock.now().getTime() + 1 * HOUR) },
      ]),
    );
    const first = createJobRunner({ database: conn, clock, log, handlers });
    expect(await first.runDue()).toBe(0);
    clock.advance(48 * HOUR);
    expect(await first.runDue()).toBe(1);
    expect(fired).toEqual(['o1']);
    // A restart: a new runner over the same database still knows the pending timer.
    const second = createJobRunner({ database: conn, clock, log, handlers });
    clock.advance(24 * HOUR);
    expect(await Promise.all([second.runDue(), second.runDue()]).then((n) => n[0] + n[1])).toBeGreaterThanOrEqual(1);
    expect(fired).toEqual(['o1', 'o2']);
    expect(await second.runDue()).toBe(0);
  });

  it('a failing overdue job backs off from now instead of running again at once', async () => {
    const clock = new ManualClock('2026-04-01T00:00:00Z');
    let runs = 0;
    await runInTransaction(conn.client, (tx) =>
      scheduleJobs(tx, [{ kind: 'flaky', key: 'k1', dueAt: new Date(clock.now().getTime() - 10 * HOUR) }]),
    );
    const runner = createJobRunner({
      database: conn,
      clock,
      log,
      handlers: {
        flaky: async () => {
          runs++;
          throw new Error('downstream refused');
        },
      },
    });
    expect(await runner.runDue()).toBe(1);
    expect(await runner.runDue()).toBe(0);
    expect(runs).toBe(1);
    const job = await conn.client.scheduledJob.findFirstOrThrow({ where: { kind: 'flaky' } });
    expect(job).toMatchObject({ attempts: 1, lastError: 'downstream refused', completedAt: null });
    expect(job.dueAt.getTime()).toBeGreaterThan(clock.now().getTime());
    clock.advance(HOUR);
    expect(await runner.runDue()).toBe(1);
    expect(runs).toBe(2);
  });

  it('a domain error raised inside the work passes through unchanged, even past the deadline', async () => {
    const refusal = new DomainError('FAILED_PRECONDITION', 'ORDER.REFUNDED', 'already refunded');
    await expect(
      runInTransaction(
        conn.client,
        async (tx) => {
          await tx.$executeRawUnsafe(`SELECT 1`);
          // The refusal comes after the deadline passed (no statement was running).
          await new Promise((resolve) => setTimeout(resolve, 80));
          throw refusal;
        },
        { deadline: new Date(Date.now() + 40) },
      ),
    ).rejects.toBe(refusal);
  });
});
