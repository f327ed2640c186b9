/**
 * merchant-access as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 */
import { ConfigError, createLogger, parseConfig, serviceSettings, settings } from '@govern/platform-core';
import { createJetStreamBus } from '@govern/platform-events';
import { runUntilSignal } from '@govern/platform-grpc';
import { startService } from '@govern/platform-runtime';
import { systemClock } from '@govern/policy-core';
import { createMerchantAccessService, IDENTITY_HASH_KEY_MIN_LENGTH } from '@govern/merchant-access-service';

const configSchema = serviceSettings(50053).extend({
  /** Secret key of the HMAC under which identity numbers are stored (never in clear). */
  IDENTITY_HASH_KEY: settings.secret(IDENTITY_HASH_KEY_MIN_LENGTH),
});

const main = async (): Promise<void> => {
  const config = parseConfig(configSchema, process.env);
  const log = createLogger({ service: 'merchant-access', level: config.LOG_LEVEL });
  const bus = await createJetStreamBus({ natsUrl: config.NATS_URL, log, name: 'merchant-access', ...(config.EVENT_NAMESPACE ? { namespace: config.EVENT_NAMESPACE } : {}) });
  const running = await startService(createMerchantAccessService({ identityHashKey: config.IDENTITY_HASH_KEY }), {
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
    console.error(`merchant-access: ${error.message}`);
    process.exit(2);
  }
  console.error('merchant-access failed to start:', error);
  process.exit(1);
});
