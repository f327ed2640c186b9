import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSchemaWithDatabase } from '@govern/platform-db';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { connectProductQualityDatabase, ProductQualityMigrations, type ProductQualityDatabase } from './database';

describe('product-quality database', () => {
  let db: TestDatabase;
  let conn: ProductQualityDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: ProductQualityMigrations, prefix: 'product_quality_schema' });
    conn = connectProductQualityDatabase({ connectionString: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('a fresh database migrates offline and agrees with the Prisma schema', async () => {
    expect(await compareSchemaWithDatabase(conn.client, conn.pool)).toEqual([]);
  });
});
