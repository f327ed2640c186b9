/**
 * Applies a service's migrations offline (no Prisma schema engine needed), keeping
 * Prisma's `_prisma_migrations` bookkeeping so `prisma migrate deploy` stays compatible.
 *
 * Usage: DATABASE_URL=postgresql://... tsx tools/db/migrate.ts <service>
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAMES } from '@govern/contracts-common';
import { applyMigrations } from '@govern/platform-db';

const root = join(import.meta.dirname, '..', '..');
const service = process.argv[2];
const url = process.env['DATABASE_URL'];
const migrationsDir = service ? join(root, 'libs', service, 'data-access', 'prisma', 'migrations') : '';
if (!service || !existsSync(migrationsDir)) {
  console.error(`usage: DATABASE_URL=postgresql://... tsx tools/db/migrate.ts <${SERVICE_NAMES.join('|')}>`);
  process.exit(2);
}
if (!url) {
  console.error('DATABASE_URL is not set: it names the service database to migrate');
  process.exit(2);
}
const result = await applyMigrations({ connectionString: url, migrationsDir, log: (m) => console.log(m) });
console.log(`${service}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
