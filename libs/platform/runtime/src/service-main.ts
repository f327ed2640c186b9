import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, createLogger, parseConfig, settings } from '@govern/platform-core';
import { applyMigrations, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import type { ServiceDefinition } from './service-runtime';
import { runServiceProcess, type ServiceProcessSettings } from './service-process';

/**
 * The commands of a deployable service (`node main.js [serve|migrate]`), so one artifact
 * and one image both serve and migrate:
 *
 * - `serve` (the default): the service, as `runServiceProcess` runs it.
 * - `migrate`: applies the service's pending migrations to DATABASE_URL, then exits 0.
 *   A deploy runs it once per release (a Kubernetes Job, a pipeline step) before the new
 *   version starts, and replicas run with MIGRATE_ON_START=false: N replicas never all
 *   migrate at start, and a migration that fails stops the rollout instead of crash-looping
 *   every pod. It needs DATABASE_URL only (and LOG_LEVEL), not the service's other settings.
 */
export interface ServiceMainOptions<Schema extends z.ZodType<ServiceProcessSettings>, Client> {
  name: string;
  configSchema: Schema;
  service: (config: z.infer<Schema>) => ServiceDefinition<Client>;
  /** The command line after the script (`process.argv.slice(2)`), handed over by main.ts. */
  argv: readonly string[];
  /** The process environment, handed over by main.ts (the one place that reads it). */
  env: Record<string, string | undefined>;
  /** The directory of the entry module (main.ts's `import.meta.dirname`). */
  entryDir: string;
  /** The service's migrations in the source tree (its data-access lib's folder). */
  migrationsDir: string;
}

const COMMANDS = ['serve', 'migrate'] as const;

/**
 * Where the migrations are: a build (tools/build) ships them in `migrations/` beside
 * main.js, where the data-access lib's path, computed from its own source file, no longer
 * points once bundled; from the source tree (tsx) they are the lib's.
 */
export const resolveMigrationsDir = (entryDir: string, sourceMigrationsDir: string): string => {
  const shipped = join(entryDir, 'migrations');
  return existsSync(shipped) ? shipped : sourceMigrationsDir;
};

export const runServiceMain = <Schema extends z.ZodType<ServiceProcessSettings>, Client extends TransactionalClient<SqlTx> & { $disconnect(): Promise<void> }>(
  options: ServiceMainOptions<Schema, Client>,
): void => {
  const [command = 'serve', ...extra] = options.argv;
  if (!(COMMANDS as readonly string[]).includes(command) || extra.length > 0) {
    console.error(`usage: ${options.name} [${COMMANDS.join('|')}] (got ${JSON.stringify(options.argv.join(' ').slice(0, 80))})`);
    process.exit(2);
  }
  const migrationsDir = resolveMigrationsDir(options.entryDir, options.migrationsDir);
  if (command === 'migrate') {
    runMigrateProcess({ name: options.name, env: options.env, migrationsDir });
    return;
  }
  runServiceProcess({
    name: options.name,
    env: options.env,
    configSchema: options.configSchema,
    service: (config) => ({ ...options.service(config), migrationsDir }),
  });
};

const migrateSettings = z.object({
  DATABASE_URL: settings.postgresUrl(),
  LOG_LEVEL: settings.logLevel(),
});

/** The `migrate` command: exit 0 when the database is at the artifact's version, 1 on a failed migration, 2 on bad settings. */
export const runMigrateProcess = (options: { name: string; env: Record<string, string | undefined>; migrationsDir: string }): void => {
  const main = async (): Promise<void> => {
    const config = parseConfig(migrateSettings, options.env);
    const log = createLogger({ service: options.name, level: config.LOG_LEVEL }).child({ command: 'migrate' });
    const result = await applyMigrations({ connectionString: config.DATABASE_URL, migrationsDir: options.migrationsDir, log: (message) => log.info(message) });
    log.info({ applied: result.applied, already_applied: result.alreadyApplied.length }, 'database is at this version');
  };
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof ConfigError) {
        console.error(`${options.name} migrate: ${error.message}`);
        process.exit(2);
      }
      console.error(`${options.name} migrate failed:`, error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
};
