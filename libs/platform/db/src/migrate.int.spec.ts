import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { applyMigrations, MigrationError } from '@govern/platform-migrate';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

// The platform tables' own migration serves as the fixture.
const PLATFORM_MIGRATIONS = join(import.meta.dirname, '..', 'prisma', 'migrations');

describe('applyMigrations (offline, Prisma-compatible)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'platform_migrate' });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('migrates a fresh database once, records it as Prisma does, and is a no-op the second time', async () => {
    const first = await applyMigrations({ connectionString: db.url, migrationsDir: PLATFORM_MIGRATIONS });
    const platformMigrations = ['20261128000000_platform', '20261205000000_platform_event_delivery', '20261205100000_decision_records', '20261205200000_audit_records', '20261205200000_trace_context', '20261205300000_job_cause', '20261207000000_inbox_retention', '20261207100000_audit_records_by_time', '20261207100001_outbox_events_by_type', '20261207500000_outbox_events_by_time'];
    expect(first.applied).toEqual(platformMigrations);
    const second = await applyMigrations({ connectionString: db.url, migrationsDir: PLATFORM_MIGRATIONS });
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(platformMigrations);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT migration_name, length(checksum) AS len, finished_at IS NOT NULL AS done FROM _prisma_migrations ORDER BY migration_name');
      expect(rows).toEqual(platformMigrations.map((migration_name) => ({ migration_name, len: 64, done: true })));
      const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        '_prisma_migrations',
        'audit_records',
        'consumed_facts',
        'consumed_versions',
        'decision_records',
        'decision_shadow_settings',
        'idempotency_keys',
        'inbox_events',
        'outbox_events',
        'scheduled_jobs',
      ]);
    } finally {
      await client.end();
    }
  });

  it('refuses an applied migration whose file changed, and rolls back a failing one whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(PLATFORM_MIGRATIONS, dir, { recursive: true });
    writeFileSync(join(dir, '20261128000000_platform', 'migration.sql'), '-- edited\n', { flag: 'a' });
    await expect(applyMigrations({ connectionString: db.url, migrationsDir: dir })).rejects.toThrow(/modified after it was applied/);

    const broken = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(PLATFORM_MIGRATIONS, broken, { recursive: true });
    cpSync(join(PLATFORM_MIGRATIONS, '20261128000000_platform'), join(broken, '20261128000001_broken'), { recursive: true });
    writeFileSync(join(broken, '20261128000001_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
    await expect(applyMigrations({ connectionString: db.url, migrationsDir: broken })).rejects.toBeInstanceOf(MigrationError);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT to_regclass('public.half_done') AS t`);
      expect(rows[0].t).toBeNull();
    } finally {
      await client.end();
    }
  });
});
