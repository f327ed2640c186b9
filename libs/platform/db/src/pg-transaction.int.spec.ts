import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@govern/policy-core';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { PrismaClient } from './generated/test-client/client';
import { applyMigrations } from '@govern/platform-migrate';
import { isUniqueViolation } from './pg-errors';
import { runTransaction } from './pg-transaction';
import { connectPrisma, type DatabaseConnection } from './prisma-client';
import { sql } from './sql';

const MIGRATIONS = join(import.meta.dirname, '..', 'prisma', 'migrations');

const inboxCount = async (conn: DatabaseConnection<PrismaClient>, consumer: string): Promise<number> =>
  conn.client.inboxEvent.count({ where: { consumer } });

describe('runTransaction: plain SQL and Prisma in one platform-owned transaction', () => {
  let db: TestDatabase;
  let conn: DatabaseConnection<PrismaClient>;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MIGRATIONS, prefix: 'platform_tx' });
    conn = connectPrisma((adapter) => new PrismaClient({ adapter }), { connectionString: db.url, poolSize: 4 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('plain SQL, sent writes and Prisma model calls commit together and see each other', async () => {
    const seen = await runTransaction(conn, async (t) => {
      t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('together', 'sent', 's')`);
      await t.tx.inboxEvent.create({ data: { consumer: 'together', eventId: 'prisma', subject: 's' } });
      const [row] = await t.sql.query<{ n: bigint }>(sql`SELECT count(*) AS n FROM inbox_events WHERE consumer = ${'together'}`);
      const viaPrisma = await t.tx.inboxEvent.count({ where: { consumer: 'together' } });
      return { sql: row?.n, prisma: viaPrisma };
    });
    // count(*) comes back as bigint, as from Prisma's raw queries.
    expect(seen).toEqual({ sql: 2n, prisma: 2 });
    expect(await inboxCount(conn, 'together')).toBe(2);
  });

  it('a failure rolls back both the plain SQL and the Prisma writes', async () => {
    const failure = new Error('use case failed');
    await expect(
      runTransaction(conn, async (t) => {
        t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('rolled-back', 'a', 's')`);
        await t.tx.inboxEvent.create({ data: { consumer: 'rolled-back', eventId: 'b', subject: 's' } });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await inboxCount(conn, 'rolled-back')).toBe(0);
  });

  it('a sent write that fails fails the transaction with its own error, and nothing before it commits', async () => {
    await conn.client.inboxEvent.create({ data: { consumer: 'dup', eventId: 'taken', subject: 's' } });
    const attempt = runTransaction(conn, async (t) => {
      t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('dup', 'first', 's')`);
      t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('dup', 'taken', 's')`);
      t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('dup', 'after', 's')`);
    });
    // The unique violation itself, not the "transaction is aborted" of the statements behind it.
    await expect(attempt).rejects.toMatchObject({ code: '23505' });
    expect(await inboxCount(conn, 'dup')).toBe(1);
  });

  it('a refusing write that fails fails the transaction with its refusal, after the writes behind it were sent', async () => {
    await conn.client.inboxEvent.create({ data: { consumer: 'refused', eventId: 'taken', subject: 's' } });
    const refusal = new DomainError('ABORTED', 'TEST.TAKEN', 'the event id is taken');
    const attempt = runTransaction(conn, async (t) => {
      t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('refused', 'first', 's')`);
      t.sql.sendRefusing(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('refused', 'taken', 's')`, (error) =>
        isUniqueViolation(error) ? refusal : undefined,
      );
      t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('refused', 'after', 's')`);
    });
    await expect(attempt).rejects.toBe(refusal);
    expect(await inboxCount(conn, 'refused')).toBe(1);
    // A failure the refusal does not recognise is the error itself.
    const other = runTransaction(conn, async (t) => {
      t.sql.sendRefusing(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('refused', 'taken', 's')`, () => undefined);
    });
    await expect(other).rejects.toMatchObject({ code: '23505' });
  });

  it("a statement that outlives the caller's deadline is DEADLINE_EXCEEDED and leaves nothing", async () => {
    const attempt = runTransaction(
      conn,
      async (t) => {
        t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('deadline', 'x', 's')`);
        await t.sql.query(sql`SELECT pg_sleep(2)`);
      },
      { deadline: new Date(Date.now() + 300) },
    );
    await expect(attempt).rejects.toSatisfy((e: unknown) => e instanceof DomainError && e.kind === 'DEADLINE_EXCEEDED');
    expect(await inboxCount(conn, 'deadline')).toBe(0);
  });

  it("the wait for a connection counts against the caller's deadline: the statements get only the time left", async () => {
    // Every pooled connection is busy for 400 ms; the caller allows 700 ms in all. A statement of
    // 500 ms fits the whole budget but not what is left after the wait, so it must not commit.
    const held = await Promise.all(Array.from({ length: 4 }, () => conn.pool.connect()));
    setTimeout(() => held.forEach((client) => client.release()), 400);
    const attempt = runTransaction(
      conn,
      async (t) => {
        t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('waited', 'x', 's')`);
        await t.sql.query(sql`SELECT pg_sleep(0.5)`);
      },
      { deadline: new Date(Date.now() + 700) },
    );
    await expect(attempt).rejects.toSatisfy((e: unknown) => e instanceof DomainError && e.kind === 'DEADLINE_EXCEEDED');
    expect(await inboxCount(conn, 'waited')).toBe(0);
  });

  it('no statement starts after the deadline, and a domain error passes unchanged', async () => {
    const refusal = new DomainError('FAILED_PRECONDITION', 'ORDER.REFUNDED', 'already refunded');
    await expect(
      runTransaction(
        conn,
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 80));
          throw refusal;
        },
        { deadline: new Date(Date.now() + 40) },
      ),
    ).rejects.toBe(refusal);
    await expect(
      runTransaction(
        conn,
        async (t) => {
          await new Promise((resolve) => setTimeout(resolve, 80));
          await t.sql.query(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('late', 'x', 's')`);
        },
        { deadline: new Date(Date.now() + 40) },
      ),
    ).rejects.toSatisfy((e: unknown) => e instanceof DomainError && e.kind === 'DEADLINE_EXCEEDED');
    expect(await inboxCount(conn, 'late')).toBe(0);
  });

  it('a write sent without waiting after the deadline fails the commit: nothing of the unit commits without it', async () => {
    await expect(
      runTransaction(
        conn,
        async (t) => {
          t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('late-send', 'early', 's')`);
          await t.settle();
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, t.deadline.getTime() - Date.now()) + 50));
          t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('late-send', 'late', 's')`);
        },
        { deadline: new Date(Date.now() + 1_000) },
      ),
    ).rejects.toSatisfy((e: unknown) => e instanceof DomainError && e.kind === 'DEADLINE_EXCEEDED');
    expect(await inboxCount(conn, 'late-send')).toBe(0);
  });

  it('a deadlock between two transactions is retried and both commit', async () => {
    await conn.pool.query(`INSERT INTO idempotency_keys (scope, request_id, fingerprint) VALUES ('lock', 'a', '0'), ('lock', 'b', '0')`);
    const bump = (first: string, second: string) =>
      runTransaction(conn, async (t) => {
        await t.sql.execute(sql`UPDATE idempotency_keys SET fingerprint = fingerprint || '+' WHERE scope = 'lock' AND request_id = ${first}`);
        await t.sql.query(sql`SELECT pg_sleep(0.2)`);
        await t.sql.execute(sql`UPDATE idempotency_keys SET fingerprint = fingerprint || '+' WHERE scope = 'lock' AND request_id = ${second}`);
      });
    await Promise.all([bump('a', 'b'), bump('b', 'a')]);
    const { rows } = await conn.pool.query<{ fingerprint: string }>(`SELECT fingerprint FROM idempotency_keys WHERE scope = 'lock' ORDER BY request_id`);
    expect(rows.map((r) => r.fingerprint)).toEqual(['0++', '0++']);
  });

  it('a transaction that conflicts on every attempt is ABORTED TRANSACTION.CONFLICT (retry after 50 ms), with nothing of it kept', async () => {
    let attempts = 0;
    const error = await runTransaction(conn, async (t) => {
      attempts++;
      t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('conflicted', ${`try-${attempts}`}, 's')`);
      // What PostgreSQL answers a transaction that lost a serialization conflict.
      await t.sql.execute(sql`DO $$ BEGIN RAISE EXCEPTION 'could not serialize access' USING ERRCODE = 'serialization_failure'; END $$`);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'ABORTED', code: 'TRANSACTION.CONFLICT', retryAfterMs: 50 });
    expect((error as Error).cause).toMatchObject({ code: '40001' });
    expect(attempts).toBe(3);
    expect(await inboxCount(conn, 'conflicted')).toBe(0);
  });

  it('a table altered under its prepared statements (a newer replica migrated) is read again, not refused', async () => {
    await conn.pool.query(`CREATE TABLE evolving (id text PRIMARY KEY)`);
    await conn.pool.query(`INSERT INTO evolving VALUES ('a')`);
    const readAll = () => runTransaction(conn, (t) => t.sql.query(sql`SELECT * FROM evolving WHERE id = ANY(${['a']}::text[])`));
    // Prepared on every connection of the pool.
    await Promise.all(Array.from({ length: 8 }, readAll));
    await conn.pool.query(`ALTER TABLE evolving ADD COLUMN added text NOT NULL DEFAULT 'new'`);
    const rows = await Promise.all(Array.from({ length: 8 }, readAll));
    expect(rows.flat()).toEqual(Array.from({ length: 8 }, () => ({ id: 'a', added: 'new' })));
  });

  it('genericPlans: a statement joining a table to a parameter array is planned once per connection, not at every execution', async () => {
    await conn.pool.query(`CREATE TABLE plan_probe (k text PRIMARY KEY, v int NOT NULL)`);
    await conn.pool.query(`INSERT INTO plan_probe SELECT 'k' || g, 0 FROM generate_series(1, 2000) g`);
    // One connection: every execution below is on the session whose plan cache is read after.
    const single = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      for (let i = 1; i <= 8; i++) {
        const key = [`k${i}`];
        await runTransaction({ pool: single }, (t) => t.sql.execute(sql`UPDATE plan_probe SET v = v + 1 FROM unnest(${key}::text[]) AS generic(k) WHERE plan_probe.k = generic.k`), {
          genericPlans: true,
        });
        await runTransaction({ pool: single }, (t) => t.sql.execute(sql`UPDATE plan_probe SET v = v + 1 FROM unnest(${key}::text[]) AS chosen(k) WHERE plan_probe.k = chosen.k`));
      }
      const plansOf = async (alias: string) =>
        (
          await single.query<{ generic_plans: string; custom_plans: string }>(
            `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%unnest($1::text[]) AS ' || $1 || '(k)%'`,
            [alias],
          )
        ).rows.map((row) => ({ generic: Number(row.generic_plans), custom: Number(row.custom_plans) }));
      // PostgreSQL's own choice: planned for the values at every execution (a custom plan sees one
      // key, the generic plan assumes ten, so the generic one always looks costlier).
      expect(await plansOf('chosen')).toEqual([{ generic: 0, custom: 8 }]);
      expect(await plansOf('generic')).toEqual([{ generic: 8, custom: 0 }]);
      // Set LOCAL: the pooled connection is back on PostgreSQL's choice for whatever runs on it next.
      expect((await single.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')).rows[0]?.plan_cache_mode).toBe('auto');
      expect(Number((await single.query<{ n: string }>(`SELECT sum(v) AS n FROM plan_probe`)).rows[0]?.n)).toBe(16);
    } finally {
      await single.end();
    }
  });

  it('every connection goes back to the pool, also after failures', async () => {
    await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        runTransaction(conn, async (t) => {
          await t.tx.inboxEvent.create({ data: { consumer: 'pool', eventId: `e${i}`, subject: 's' } });
          if (i % 3 === 0) throw new Error('fails');
        }),
      ),
    );
    expect(conn.pool.totalCount - conn.pool.idleCount).toBe(0);
    expect(await inboxCount(conn, 'pool')).toBe(13);
  });
});

describe('runTransaction on embedded PGlite (a pool of one connection)', () => {
  let embedded: EmbeddedPostgres;
  let conn: DatabaseConnection<PrismaClient>;

  beforeAll(async () => {
    embedded = await startEmbeddedPostgres();
    await applyMigrations({ connectionString: embedded.connectionString, migrationsDir: MIGRATIONS });
    conn = connectPrisma((adapter) => new PrismaClient({ adapter }), { connectionString: embedded.connectionString, poolSize: 1 });
  });
  afterAll(async () => {
    await conn?.close();
    await embedded?.stop();
  });

  it('Prisma joins the one connection instead of waiting for a second; pipelined writes keep their order and a failed one is the error', async () => {
    await runTransaction(conn, async (t) => {
      t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('embedded', 'a', 's')`);
      await t.tx.inboxEvent.create({ data: { consumer: 'embedded', eventId: 'b', subject: 's' } });
      t.sql.send(sql`UPDATE inbox_events SET subject = 'updated' WHERE consumer = 'embedded'`);
    });
    await conn.client.inboxEvent.create({ data: { consumer: 'dup', eventId: 'taken', subject: 's' } });
    for (let i = 0; i < 3; i++) {
      const attempt = runTransaction(conn, async (t) => {
        t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('dup', 'first', 's')`);
        t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('dup', 'taken', 's')`);
        t.sql.send(sql`INSERT INTO inbox_events (consumer, event_id, subject) VALUES ('dup', 'after', 's')`);
        await t.tx.inboxEvent.count();
      });
      await expect(attempt).rejects.toMatchObject({ code: '23505' });
    }
    expect(await conn.client.inboxEvent.count({ where: { consumer: 'dup' } })).toBe(1);
    expect((await conn.client.inboxEvent.findMany({ where: { consumer: 'embedded' }, orderBy: { eventId: 'asc' } })).map((e) => e.subject)).toEqual([
      'updated',
      'updated',
    ]);
  });
});
