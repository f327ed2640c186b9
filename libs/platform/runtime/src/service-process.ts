import type { z } from 'zod';
import {
  callerTokenSettings,
  GOVERN_SERVICES,
  loadTransportSecurity,
  tokenVerifierFromSettings,
  transportSecuritySettings,
  type CallerTokenSettings,
  type TransportSecuritySettings,
} from '@govern/platform-auth';
import { ConfigError, createLogger, parseConfig, serviceSettings, type ServiceSettings } from '@govern/platform-core';
import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import { createJetStreamBus } from '@govern/platform-events';
import { runUntilSignal } from '@govern/platform-grpc';
import { systemClock } from '@govern/policy-core';
import { startService, type ServiceDefinition } from './service-runtime';

/**
 * The settings of every deployable service: platform-core's, plus its TLS material and the
 * token issuer it trusts (platform-core cannot import platform-auth, which depends on it).
 * An app extends this object with its own settings.
 */
export const serviceProcessSettings = (defaultPort: number) => serviceSettings(defaultPort).extend({ ...transportSecuritySettings, ...callerTokenSettings });

export type ServiceProcessSettings = ServiceSettings & TransportSecuritySettings & CallerTokenSettings;

export const PLAINTEXT_WARNING = 'gRPC is PLAINTEXT (ALLOW_INSECURE_PLAINTEXT): anyone on the network can read and forge calls; development only';

/**
 * The main of a deployable service: settings parsed once from the environment (a bad or
 * missing one exits 2 naming it), one logger, JetStream, the service started through the
 * runtime, and SIGTERM/SIGINT handled with a graceful drain. Each app's main.ts is a call
 * to this with its own settings schema and service definition.
 */
export const runServiceProcess = <Schema extends z.ZodType<ServiceProcessSettings>, Client extends TransactionalClient<SqlTx> & { $disconnect(): Promise<void> }>(options: {
  name: string;
  configSchema: Schema;
  service: (config: z.infer<Schema>) => ServiceDefinition<Client>;
  /** The process environment, handed over by main.ts (the one place that reads it). */
  env: Record<string, string | undefined>;
}): void => {
  const main = async (): Promise<void> => {
    const config = parseConfig(options.configSchema, options.env);
    const log = createLogger({ service: options.name, level: config.LOG_LEVEL });
    // Both read and checked before anything connects: bad material exits 2 naming the setting.
    const transport = loadTransportSecurity(config);
    const tokens = tokenVerifierFromSettings(config, { certificateOnlyWorkloads: GOVERN_SERVICES });
    if (transport.mode === 'plaintext') {
      log.warn(PLAINTEXT_WARNING);
      // Also on stderr: a log shipper filtering by level must not be the only one who knows.
      console.error(`${options.name}: ${PLAINTEXT_WARNING}`);
    }
    const bus = await createJetStreamBus({
      natsUrl: config.NATS_URL,
      log,
      name: options.name,
      ...(config.EVENT_NAMESPACE ? { namespace: config.EVENT_NAMESPACE } : {}),
      duplicateWindowMs: config.EVENT_DUPLICATE_WINDOW_MS,
      streamLimits: { maxAgeMs: config.EVENT_STREAM_MAX_AGE_MS, maxBytes: config.EVENT_STREAM_MAX_BYTES, maxMessages: config.EVENT_STREAM_MAX_MSGS },
    });
    const running = await startService(options.service(config), {
      log,
      clock: systemClock,
      bus,
      databaseUrl: config.DATABASE_URL,
      poolSize: config.DB_POOL_SIZE,
      migrate: config.MIGRATE_ON_START,
      host: config.HOST,
      port: config.PORT,
      transport,
      tokens,
      shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
      relayListens: true,
      ownsBus: true,
      events: {
        outboxRetentionMs: config.OUTBOX_RETENTION_MS,
        outboxMaxRejections: config.OUTBOX_MAX_REJECTIONS,
        consumerDownBoundMs: config.CONSUMER_DOWN_BOUND_MS,
      },
    });
    runUntilSignal(running.server, log);
  };
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`${options.name}: ${error.message}`);
      process.exit(2);
    }
    console.error(`${options.name} failed to start:`, error);
    process.exit(1);
  });
};
