/**
 * product-quality as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 */
import { ConfigError, createLogger, parseConfig, serviceSettings } from '@govern/platform-core';
import { createJetStreamBus } from '@govern/platform-events';
import { runUntilSignal } from '@govern/platform-grpc';
import { startService } from '@govern/platform-runtime';
import { systemClock } from '@govern/policy-core';
import { productQualityService } from '@govern/product-quality-service';

const configSchema = serviceSettings(50052);

const main = async (): Promise<void> => {
  const config = parseConfig(configSchema, process.env);
  const log = createLogger({ service: 'product-quality', level: config.LOG_LEVEL });
  const bus = await createJetStreamBus({ natsUrl: config.NATS_URL, log, name: 'product-quality', ...(config.EVENT_NAMESPACE ? { namespace: config.EVENT_NAMESPACE } : {}) });
  const running = await startService(productQualityService, {
    log,
    clock: systemClock,
    bus,
    databaseUrl: config.DATABASE_URL,
    poolSize: config.DB_POOL_SIZE,
    migrate: config.MIGRATE_ON_START,
    host: config.HOST,
    port: config.PORT,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    relayListens: true,
    ownsBus: true,
  });
  runUntilSignal(running.server, log);
};

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`product-quality: ${error.message}`);
    process.exit(2);
  }
  console.error('product-quality failed to start:', error);
  process.exit(1);
});
