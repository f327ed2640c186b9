import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '@govern/contracts-common';
import { AUDIT_RECORDS_MIGRATION_FILE } from './audit-record';

/**
 * `audit_records` is a platform table: each service database gets an unchanged copy of
 * sql/audit_records.sql as a migration of its own (migrations are immutable snapshots, so they
 * are copied, not linked). The copies must not drift.
 */
const root = join(import.meta.dirname, '..', '..', '..', '..', '..');
const MIGRATION = 'prisma/migrations/20261205200000_audit_records/migration.sql';

describe('audit records migration copies', () => {
  it.each(SERVICE_NAMES)('%s creates audit_records exactly as platform-auth defines it', (service) => {
    expect(readFileSync(join(root, 'libs', service, 'data-access', MIGRATION), 'utf8')).toBe(readFileSync(AUDIT_RECORDS_MIGRATION_FILE, 'utf8'));
  });
});
