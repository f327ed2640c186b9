import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './test-infra';

describe('createTestDatabase', () => {
  it('drop() lets a connection that is closing close, instead of killing it (no error reaches its client)', async () => {
    // node-postgres' pool.end() resolves before its sockets close; a FORCE drop that overtook them
    // sent FATAL 57P01 into the pool, an uncaught 'error' for a pool with no listener (CI saw one).
    // Here the closing is slowed down on purpose: the client ends 300 ms after drop() starts.
    const db = await createTestDatabase({ prefix: 'platform_testing_drop' });
    const closing = new pg.Client({ connectionString: db.url });
    const errors: unknown[] = [];
    closing.on('error', (error) => errors.push(error));
    await closing.connect();
    const ended = new Promise<void>((resolve) => setTimeout(() => void closing.end().then(resolve, resolve), 300));
    await db.drop();
    await ended;
    expect(errors).toEqual([]);
  });

  it('drop() still ends a connection the suite leaked', async () => {
    const db = await createTestDatabase({ prefix: 'platform_testing_leak' });
    const leaked = new pg.Client({ connectionString: db.url });
    const ended = new Promise<void>((resolve) => leaked.on('error', () => resolve()));
    await leaked.connect();
    await db.drop();
    await ended;
    const admin = new pg.Client({ connectionString: db.url.replace(`/${db.name}`, '/postgres') });
    await admin.connect();
    try {
      const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [db.name]);
      expect(rows[0].n).toBe(0);
    } finally {
      await admin.end();
    }
  }, 20_000);
});
