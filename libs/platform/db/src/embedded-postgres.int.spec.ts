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
