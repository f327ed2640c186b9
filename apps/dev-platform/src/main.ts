/**
 * `npm start`: the whole platform on this machine. Embedded defaults when DATABASE_URL /
 * NATS_URL are not set; the real servers when they are.
 */
import { z } from 'zod';
import { DEFAULT_BASE_PORT } from '@govern/contracts-common';
import { ConfigError, createLogger, parseConfig, settings } from '@govern/platform-core';
import { runUntilSignal } from '@govern/platform-grpc';
import { startPlatform } from './platform';

const configSchema = z.object({
  HOST: settings.host(),
  BASE_PORT: settings.port(DEFAULT_BASE_PORT),
  DATABASE_URL: settings.postgresUrl().optional(),
  NATS_URL: settings.natsUrl().optional(),
  DATA_DIR: z.string().default('tmp/embedded'),
  LOG_LEVEL: settings.logLevel().default('warn'),
});

const main = async (): Promise<void> => {
  const config = parseConfig(configSchema, process.env);
  const log = createLogger({ service: 'dev-platform', level: config.LOG_LEVEL });
  const platform = await startPlatform({
    log,
    host: config.HOST,
    basePort: config.BASE_PORT,
    databaseUrl: config.DATABASE_URL,
    natsUrl: config.NATS_URL,
    dataDir: config.DATA_DIR,
  });
  console.log(
    `Govern is running (database: ${platform.mode.database === 'server' ? 'PostgreSQL server' : `embedded PGlite in ${config.DATA_DIR}`}, ` +
      `events: ${platform.mode.bus === 'jetstream' ? 'NATS JetStream' : 'in-process bus'})`,
  );
  for (const service of platform.services) console.log(`  ${service.name.padEnd(20)} ${service.address}`);
  console.log('Press Ctrl+C to stop.');

  runUntilSignal({ shutdown: () => platform.stop() }, log);
};

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`dev-platform: ${error.message}`);
    process.exit(2);
  }
  console.error('the platform failed to start:', error);
  process.exit(1);
});
