import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSchemaWithDatabase } from '@govern/platform-db';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { connectContentDatabase, ContentMigrations, type ContentDatabase } from './database';

describe('content database', () => {
  let db: TestDatabase;
  let conn: ContentDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: ContentMigrations, prefix: 'content_schema' });
    conn = connectContentDatabase({ connectionString: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('a fresh database migrates offline and agrees with the Prisma schema', async () => {
    expect(await compareSchemaWithDatabase(conn.client, conn.pool)).toEqual([]);
  });
});
