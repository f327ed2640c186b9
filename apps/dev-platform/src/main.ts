/**
 * `npm start`: the whole platform on this machine. Embedded defaults when DATABASE_URL /
 * NATS_URL are not set; the real servers when they are.
 */
import { z } from 'zod';
import { startConsole } from '@govern/console-server';
import { DEFAULT_BASE_PORT, SERVICE_NAMES, serviceKey } from '@govern/contracts-common';
import type { PlatformAddresses } from '@govern/platform-clients';
import { ConfigError, createLogger, parseConfig, settings } from '@govern/platform-core';
import { runUntilSignal } from '@govern/platform-grpc';
import { DEFAULT_METRICS_BASE_PORT, telemetrySettings } from '@govern/platform-observability';
import { startPlatform } from './platform';

const configSchema = z.object({
  HOST: settings.host(),
  BASE_PORT: settings.port(DEFAULT_BASE_PORT),
  /** The operator console's HTTP port (0 when BASE_PORT is 0, so tests never collide). */
  CONSOLE_PORT: settings.port(8080),
  DATABASE_URL: settings.postgresUrl().optional(),
  NATS_URL: settings.natsUrl().optional(),
  DATA_DIR: z.string().default('tmp/embedded'),
  LOG_LEVEL: settings.logLevel().default('warn'),
  /**
   * Prometheus endpoints: service i on METRICS_BASE_PORT + i (registry order), `off` for none,
   * 0 for free ports (printed below). Unset: 9464 and up, or none when BASE_PORT is 0 (tests).
   */
  METRICS_BASE_PORT: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65_535)]).optional(),
  // The standard OTEL_* settings (traces exported with OTLP when an endpoint is set); the
  // per-service METRICS_PORT/HOST are the apps' own and not used here.
  ...telemetrySettings,
});

const metricsBasePortOf = (config: { BASE_PORT: number; METRICS_BASE_PORT?: number | 'off' | undefined }): number | undefined => {
  if (config.METRICS_BASE_PORT === 'off') return undefined;
  if (config.METRICS_BASE_PORT !== undefined) return config.METRICS_BASE_PORT;
  return config.BASE_PORT === 0 ? undefined : DEFAULT_METRICS_BASE_PORT;
};

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
    metricsBasePort: metricsBasePortOf(config),
    telemetry: config,
  });
  console.log(
    `Govern is running (database: ${platform.mode.database === 'server' ? 'PostgreSQL server' : `embedded PGlite in ${config.DATA_DIR}`}, ` +
      `events: ${platform.mode.bus === 'jetstream' ? 'NATS JetStream' : 'in-process bus'})`,
  );
  for (const service of platform.services) {
    console.log(`  ${service.name.padEnd(20)} ${service.metricsUrl ? `${service.address.padEnd(17)} metrics ${service.metricsUrl}` : service.address}`);
  }
  // Every service speaks TLS with a certificate from this CA; the CLI finds it there by itself.
  console.log(`  ${'development CA'.padEnd(20)} ${platform.pki.caFile}  (tokens: npm run govern -- token --subject alice --roles operator)`);
  const addressOf = (name: string): string => {
    const service = platform.services.find((s) => s.name === name);
    if (!service) throw new Error(`${name} did not start`);
    return service.address;
  };
  const services = Object.fromEntries(SERVICE_NAMES.map((name) => [serviceKey(name), addressOf(name)])) as PlatformAddresses;
  const operatorConsole = await startConsole({
    log,
    host: config.HOST,
    port: config.BASE_PORT === 0 ? 0 : config.CONSOLE_PORT,
    services,
    // The console calls the services as any client: TLS against the development CA, its own certificate, each operator's token.
    transport: { mode: 'tls', options: { ca: platform.pki.ca, cert: platform.pki.identity('console').material.cert, key: platform.pki.identity('console').material.key } },
    auth: { mode: 'dev', pkiDir: platform.pki.dir },
  });
  console.log(`  ${'console'.padEnd(20)} ${operatorConsole.url}  (sign in as the development operator)`);
  console.log('Press Ctrl+C to stop.');

  runUntilSignal(
    {
      shutdown: async () => {
        await operatorConsole.close();
        await platform.stop();
      },
    },
    log,
  );
};

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`dev-platform: ${error.message}`);
    process.exit(2);
  }
  console.error('the platform failed to start:', error);
  process.exit(1);
});
