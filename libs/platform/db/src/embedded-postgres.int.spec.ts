import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres';

const query = async (connectionString: string, text: string): Promise<pg.QueryResult> => {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
};

describe('startEmbeddedPostgres (PGlite in a worker thread)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'govern-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  // Each start initialises PostgreSQL in WebAssembly: seconds, more on a loaded machine.
  const STARTS_TIMEOUT_MS = 120_000;

  it('keeps what was committed in its data dir across a stop and a start, and closes its port on stop', async () => {
    const first = await startEmbeddedPostgres({ dataDir });
    await query(first.connectionString, `CREATE TABLE kept (value TEXT NOT NULL); INSERT INTO kept VALUES ('before the restart')`);
    await first.stop();
    await expect(query(first.connectionString, 'SELECT 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect((await query(second.connectionString, 'SELECT value FROM kept')).rows).toEqual([{ value: 'before the restart' }]);
    } finally {
      await second.stop();
    }
  }, STARTS_TIMEOUT_MS);

  it('rejects the start when its worker cannot serve (the port is taken), and stop() may be called twice', async () => {
    const serving = await startEmbeddedPostgres();
    try {
      const port = Number(new URL(serving.connectionString).port);
      await expect(startEmbeddedPostgres({ port })).rejects.toMatchObject({ message: expect.stringMatching(/did not start/), cause: { code: 'EADDRINUSE' } });
      expect((await query(serving.connectionString, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await Promise.all([serving.stop(), serving.stop()]);
    }
  }, STARTS_TIMEOUT_MS);
});

describe('the embedded database shared by several connections (one PGlite session, taken in turns)', () => {
  const TIMEOUT_MS = 120_000;

  it("runs parameterised queries and errors the way a server does, and never lets one connection's statements into another's transaction", async () => {
    const db = await startEmbeddedPostgres();
    const a = new pg.Client({ connectionString: db.connectionString });
    const b = new pg.Client({ connectionString: db.connectionString });
    try {
      await Promise.all([a.connect(), b.connect()]);
      await a.query('CREATE TABLE turns (who TEXT NOT NULL, n INT NOT NULL)');
      expect((await a.query('SELECT $1::int + 1 AS next', [41])).rows).toEqual([{ next: 42 }]);
      await expect(a.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });

      await a.query('BEGIN');
      await a.query("INSERT INTO turns VALUES ('a', 1)");
      // b's statement waits for a's transaction to end instead of running inside it (and seeing its row).
      const bReads = b.query('SELECT count(*)::int AS n FROM turns');
      await a.query("INSERT INTO turns VALUES ('a', 2)");
      await a.query('ROLLBACK');
      expect((await bReads).rows).toEqual([{ n: 0 }]);

      // A pool of four, each connection in its own transactions, all at once.
      const pool = new pg.Pool({ connectionString: db.connectionString, max: 4 });
      try {
        await Promise.all(
          Array.from({ length: 20 }, async (_, n) => {
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              await client.query('INSERT INTO turns VALUES ($1, $2)', ['pool', n]);
              await client.query('INSERT INTO turns VALUES ($1, $2)', ['pool', -n]);
              await client.query('COMMIT');
            } finally {
              client.release();
            }
          }),
        );
      } finally {
        await pool.end();
      }
      expect((await b.query('SELECT who, count(*)::int AS n, sum(n)::int AS total FROM turns GROUP BY who')).rows).toEqual([{ who: 'pool', n: 40, total: 0 }]);
    } finally {
      await Promise.all([a.end(), b.end()]);
      await db.stop();
    }
  }, TIMEOUT_MS);

  it('keeps named prepared statements apart per connection, and closes those of a connection that goes away', async () => {
    const db = await startEmbeddedPostgres();
    const a = new pg.Client({ connectionString: db.connectionString });
    const b = new pg.Client({ connectionString: db.connectionString });
    const watcher = new pg.Client({ connectionString: db.connectionString });
    // The session's own statements, whichever connection prepared them.
    const sessionStatements = async (): Promise<number> =>
      (await watcher.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int%'")).rows[0]?.n ?? -1;
    try {
      await Promise.all([a.connect(), b.connect(), watcher.connect()]);
      // The same name with different texts, as two services' pools (or one pool's two connections) would.
      const [fromA, fromB] = await Promise.all([
        a.query({ name: 'same-name', text: 'SELECT $1::int * 2 AS v', values: [21] }),
        b.query({ name: 'same-name', text: 'SELECT $1::int + 100 AS v', values: [1] }),
      ]);
      expect(fromA.rows).toEqual([{ v: 42 }]);
      expect(fromB.rows).toEqual([{ v: 101 }]);
      // Each connection runs its own statement again by name.
      expect((await a.query({ name: 'same-name', text: 'SELECT $1::int * 2 AS v', values: [5] })).rows).toEqual([{ v: 10 }]);
      expect((await b.query({ name: 'same-name', text: 'SELECT $1::int + 100 AS v', values: [5] })).rows).toEqual([{ v: 105 }]);
      expect(await sessionStatements()).toBe(2);

      await a.end();
      await expect.poll(sessionStatements, { timeout: 10_000 }).toBe(1);
      expect((await b.query({ name: 'same-name', text: 'SELECT $1::int + 100 AS v', values: [7] })).rows).toEqual([{ v: 107 }]);
    } finally {
      await Promise.all([b.end(), watcher.end()]);
      await db.stop();
    }
  }, TIMEOUT_MS);

  it('rolls back the open transaction of a connection that goes away, and lets the others go on', async () => {
    const db = await startEmbeddedPostgres();
    const leaving = new pg.Client({ connectionString: db.connectionString });
    const staying = new pg.Client({ connectionString: db.connectionString });
    try {
      await Promise.all([leaving.connect(), staying.connect()]);
      await staying.query('CREATE TABLE left_behind (value TEXT NOT NULL)');
      await leaving.query('BEGIN');
      await leaving.query("INSERT INTO left_behind VALUES ('uncommitted')");
      const waiting = staying.query('SELECT count(*)::int AS n FROM left_behind');
      await leaving.end();
      expect((await waiting).rows).toEqual([{ n: 0 }]);
      await staying.query('BEGIN');
      await staying.query("INSERT INTO left_behind VALUES ('committed')");
      await staying.query('COMMIT');
      expect((await staying.query('SELECT value FROM left_behind')).rows).toEqual([{ value: 'committed' }]);
    } finally {
      await staying.end();
      await db.stop();
    }
  }, TIMEOUT_MS);
});
