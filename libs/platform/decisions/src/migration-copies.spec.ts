import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The decision tables' migration is a platform migration: each service database gets an
 * unchanged copy (migrations are immutable snapshots). The copies must not drift.
 */
const root = join(import.meta.dirname, '..', '..', '..', '..');
const MIGRATION = 'prisma/migrations/20261205100000_decision_records/migration.sql';
const read = (lib: string): string => readFileSync(join(root, lib, MIGRATION), 'utf8');

describe('decision records migration copies', () => {
  it.each(['content', 'product-quality', 'merchant-access', 'consumer-experience'])('%s creates the decision tables exactly as platform-db does', (service) => {
    expect(read(`libs/${service}/data-access`)).toBe(read('libs/platform/db'));
  });
});
