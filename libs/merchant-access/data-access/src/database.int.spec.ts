import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSchemaWithDatabase } from '@govern/platform-db';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { connectMerchantAccessDatabase, MerchantAccessMigrations, type MerchantAccessDatabase } from './database';

describe('merchant-access database', () => {
  let db: TestDatabase;
  let conn: MerchantAccessDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MerchantAccessMigrations, prefix: 'merchant_access_schema' });
    conn = connectMerchantAccessDatabase({ connectionString: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('a fresh database migrates offline and agrees with the Prisma schema', async () => {
    expect(await compareSchemaWithDatabase(conn.client, conn.pool)).toEqual([]);
  });
});
