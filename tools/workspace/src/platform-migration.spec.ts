import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '@govern/contracts-common';

/**
 * Each service database's first migration is a snapshot of the platform tables' migration
 * (migrations are immutable, so it is copied, not linked). The copies must not drift.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const PLATFORM = 'prisma/migrations/20261128000000_platform/migration.sql';
const read = (lib: string): string => readFileSync(join(root, lib, PLATFORM), 'utf8');

describe('platform migration copies', () => {
  it.each(SERVICE_NAMES)('%s creates the platform tables exactly as platform-db does', (service) => {
    expect(read(`libs/${service}/data-access`)).toBe(read('libs/platform/db'));
  });
});
