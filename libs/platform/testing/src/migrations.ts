import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A copy of a migrations folder holding only the migrations before `name` (and its other files, the
 * lock file): the database as it stood before that migration, to test the migration on data that
 * existed before it. Later migrations are left out too, so they apply after it, in order.
 */
export const migrationsBefore = (migrationsDir: string, name: string): { dir: string; remove(): void } => {
  if (!existsSync(join(migrationsDir, name))) throw new Error(`no migration ${name} in ${migrationsDir}`);
  const dir = mkdtempSync(join(tmpdir(), 'migrations-before-'));
  for (const entry of readdirSync(migrationsDir)) {
    if (statSync(join(migrationsDir, entry)).isDirectory() && entry >= name) continue;
    cpSync(join(migrationsDir, entry), join(dir, entry), { recursive: true });
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};
