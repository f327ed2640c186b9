/**
 * Runs the Prisma CLI so that it works offline. The CLI fetches its schema-engine binary
 * at start-up, even for `prisma generate`, which does not use it; without internet that
 * fetch fails. When no engine is configured, point PRISMA_SCHEMA_ENGINE_BINARY at a
 * stand-in that explains itself if a command really needs the engine.
 *
 * Usage: tsx tools/db/prisma.ts generate --config libs/<service>/data-access/prisma.config.ts
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const env = { ...process.env };
env['PRISMA_SCHEMA_ENGINE_BINARY'] ??= join(root, 'tools/db/no-schema-engine.sh');
env['PRISMA_HIDE_UPDATE_MESSAGE'] = '1';
env['CHECKPOINT_DISABLE'] = '1';
const result = spawnSync(join(root, 'node_modules/.bin/prisma'), process.argv.slice(2), { stdio: 'inherit', env, cwd: root });
process.exit(result.status ?? 1);
