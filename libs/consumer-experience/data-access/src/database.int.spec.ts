import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSchemaWithDatabase } from '@govern/platform-db';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { connectConsumerExperienceDatabase, ConsumerExperienceMigrations, type ConsumerExperienceDatabase } from './database';

describe('consumer-experience database', () => {
  let db: TestDatabase;
  let conn: ConsumerExperienceDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: ConsumerExperienceMigrations, prefix: 'consumer_experience_schema' });
    conn = connectConsumerExperienceDatabase({ connectionString: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('a fresh database migrates offline and agrees with the Prisma schema', async () => {
    expect(await compareSchemaWithDatabase(conn.client, conn.pool)).toEqual([]);
  });
});
