import { z } from 'zod';
import {
  callerTokenSettings,
  GOVERN_SERVICES,
  loadTransportSecurity,
  natsConnectionAuth,
  natsCredentialSettings,
  streamNameOf,
  tokenVerifierFromSettings,
  transportSecuritySettings,
  type CallerTokenSettings,
  type TransportSecuritySettings,
} from '@govern/platform-auth';
import { ConfigError, createLogger, parseConfig, serviceSettings, type ServiceSettings } from '@govern/platform-core';
import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import { createJetStreamBus, inboxRetentionFor, inboxRetentionProblem } from '@govern/platform-events';
import { runUntilSignal } from '@govern/platform-grpc';
import { createServiceMetrics, startTelemetry, telemetrySettings } from '@govern/platform-observability';
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
 * to this with its own settings schema and service definition. Every service also takes the
 * standard OpenTelemetry settings and METRICS_PORT / METRICS_HOST (`telemetrySettings`).
 */
const telemetrySchema = z.object(telemetrySettings);

/**
 * The app's schema, the telemetry settings and the NATS credentials at once, so a bad deployment
 * hears of every bad setting (the OTEL_* and NATS_* ones too) in one go (exit 2). NATS
 * credentials are read here for every service (not in each app's schema): the user the service
 * signs in as, and its inbox (deploy/nats/govern.conf); `subjectToken` is e.g. `merchant_access`.
 */
const parseSettings = <Schema extends z.ZodType<ServiceProcessSettings>>(schema: Schema, env: Record<string, string | undefined>, subjectToken: string) => {
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const config = attempt(() => parseConfig(schema, env));
  // A rule across two settings, which the schema (extended by each app) cannot hold.
  const retention = config && inboxRetentionProblem(inboxRetentionOf(config), config.EVENT_STREAM_MAX_AGE_MS);
  if (retention) problems.push(retention);
  const observe = attempt(() => parseConfig(telemetrySchema, env));
  const connection = attempt(() => natsConnectionAuth(parseConfig(z.object(natsCredentialSettings), env), subjectToken));
  if (config === undefined || observe === undefined || connection === undefined || retention) throw new ConfigError(problems);
  return { config: config as z.infer<Schema>, observe, connection };
};

/** INBOX_RETENTION_MS, or unset a day longer than the streams keep events. */
const inboxRetentionOf = (config: ServiceProcessSettings): number => config.INBOX_RETENTION_MS ?? inboxRetentionFor(config.EVENT_STREAM_MAX_AGE_MS);

export const runServiceProcess = <Schema extends z.ZodType<ServiceProcessSettings>, Client extends TransactionalClient<SqlTx> & { $disconnect(): Promise<void> }>(options: {
  name: string;
  configSchema: Schema;
  service: (config: z.infer<Schema>) => ServiceDefinition<Client>;
  /** The process environment, handed over by main.ts (the one place that reads it). */
  env: Record<string, string | undefined>;
}): void => {
  const subjectToken = options.name.replaceAll('-', '_');
  const main = async (): Promise<void> => {
    const { config, observe, connection } = parseSettings(options.configSchema, options.env, subjectToken);
    const log = createLogger({ service: options.name, level: config.LOG_LEVEL });
    if (!connection.authenticator) log.warn('NATS without credentials (NATS_NKEY_SEED or NATS_USER/NATS_PASSWORD unset): only a development server accepts that');
    const telemetry = startTelemetry({ serviceName: options.name, settings: observe, log });
    const metrics = createServiceMetrics({ serviceName: options.name, log });
    // Both read and checked before anything connects: bad material exits 2 naming the setting.
    const transport = loadTransportSecurity(config);
    const tokens = tokenVerifierFromSettings(config, { certificateOnlyWorkloads: GOVERN_SERVICES });
    if (transport.mode === 'plaintext') {
      log.warn(PLAINTEXT_WARNING);
      // Also on stderr: a log shipper filtering by level must not be the only one who knows.
      console.error(`${options.name}: ${PLAINTEXT_WARNING}`);
    }
    const bus = await createJetStreamBus({
      connection,
      // With a user the server gives rights on its own stream only; the streams it reads are their producers' to make.
      ...(connection.authenticator ? { ownStreams: [streamNameOf(subjectToken)] } : {}),
      natsUrl: config.NATS_URL,
      log,
      name: options.name,
      ...(config.EVENT_NAMESPACE ? { namespace: config.EVENT_NAMESPACE } : {}),
      duplicateWindowMs: config.EVENT_DUPLICATE_WINDOW_MS,
      replicas: config.EVENT_STREAM_REPLICAS,
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
      telemetry,
      metrics,
      ...(observe.METRICS_PORT !== undefined ? { metricsPort: observe.METRICS_PORT, metricsHost: observe.METRICS_HOST } : {}),
      events: {
        outboxRetentionMs: config.OUTBOX_RETENTION_MS,
        inboxRetentionMs: inboxRetentionOf(config),
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
