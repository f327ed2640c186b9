import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { afterCommit } from './after-commit';
import { PrismaClient } from './generated/test-client/client';
import { runTransaction } from './pg-transaction';
import { pipelinedWrites } from './pipelined-writes';
import { connectPrisma, type DatabaseConnection } from './prisma-client';
import { sqlOverPrisma } from './sql';
import { runInTransaction } from './transaction';

const MIGRATIONS = join(import.meta.dirname, '..', 'prisma', 'migrations');
const INSERT = `INSERT INTO inbox_events (consumer, event_id, subject) VALUES ($1, $2, 's')`;

describe('pipelinedWrites: write-only SQL in a transaction, its after-commit actions the transaction’s', () => {
  let db: TestDatabase;
  let conn: DatabaseConnection<PrismaClient>;
  const count = (consumer: string): Promise<number> => conn.client.inboxEvent.count({ where: { consumer } });

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MIGRATIONS, prefix: 'platform_writes' });
    conn = connectPrisma((adapter) => new PrismaClient({ adapter }), { connectionString: db.url, poolSize: 4 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('in a platform transaction: the write commits with it and the action runs after the commit, not before', async () => {
    const ran: string[] = [];
    await runTransaction(conn, async (t) => {
      const writes = pipelinedWrites(t.sql);
      expect(await writes.$executeRawUnsafe(INSERT, 'pipelined', 'e-1')).toBe(0);
      expect(afterCommit(writes, () => ran.push('counted'))).toBe(true);
      expect(ran).toEqual([]);
    });
    expect(ran).toEqual(['counted']);
    expect(await count('pipelined')).toBe(1);
    await expect(pipelinedWrites(sqlOverPrisma(conn.client)).$queryRawUnsafe('SELECT 1')).rejects.toThrow(/only sends writes/);
  });

  it('in a platform transaction that rolls back: neither the write nor the action', async () => {
    const ran: string[] = [];
    await expect(
      runTransaction(conn, async (t) => {
        const writes = pipelinedWrites(t.sql);
        await writes.$executeRawUnsafe(INSERT, 'rolled-back', 'e-1');
        afterCommit(writes, () => ran.push('counted'));
        throw new Error('the use case failed');
      }),
    ).rejects.toThrow('the use case failed');
    expect(ran).toEqual([]);
    expect(await count('rolled-back')).toBe(0);
  });

  it('over a transaction Prisma owns (a consumer’s): the action waits for that commit too', async () => {
    const ran: string[] = [];
    await runInTransaction(conn.client, async (tx) => {
      const sql = sqlOverPrisma(tx);
      const writes = pipelinedWrites(sql);
      await writes.$executeRawUnsafe(INSERT, 'prisma-owned', 'e-1');
      expect(afterCommit(writes, () => ran.push('counted'))).toBe(true);
      await sql.settle();
      expect(ran).toEqual([]);
    });
    expect(ran).toEqual(['counted']);
    expect(await count('prisma-owned')).toBe(1);
  });
});
