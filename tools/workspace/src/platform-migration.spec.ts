import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Each service database's first migration is a snapshot of the platform tables' migration
 * (migrations are immutable, so it is copied, not linked). The copies must not drift.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const MIGRATIONS = 'prisma/migrations';
const PLATFORM_MIGRATIONS = readdirSync(join(root, 'libs/platform/db', MIGRATIONS), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const read = (lib: string, migration: string): string => readFileSync(join(root, lib, MIGRATIONS, migration, 'migration.sql'), 'utf8');

describe('platform migration copies', () => {
  it('platform-db has its first migration', () => {
    expect(PLATFORM_MIGRATIONS).toContain('20261128000000_platform');
  });
  const services = ['content', 'product-quality', 'merchant-access', 'consumer-experience'];
  it.each(services.flatMap((service) => PLATFORM_MIGRATIONS.map((migration) => [service, migration])))(
    '%s has platform migration %s exactly as platform-db does',
    (service, migration) => {
      expect(read(`libs/${service}/data-access`, migration)).toBe(read('libs/platform/db', migration));
    },
  );
});
