import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { SERVICE_NAMES, type ServiceName } from '@govern/contracts-common';
import { consumerExperienceService } from '@govern/consumer-experience-service';
import { contentService } from '@govern/content-service';
import { createMerchantAccessService, DEVELOPMENT_IDENTITY_HASH_KEY } from '@govern/merchant-access-service';
import { productQualityService } from '@govern/product-quality-service';
import {
  checkTlsMaterial,
  createTokenVerifier,
  DEV_TOKEN_AUDIENCE,
  DEV_TOKEN_ISSUER,
  ensureDevPki,
  GOVERN_SERVICES,
  type DevPki,
} from '@govern/platform-auth';
import { startEmbeddedPostgres, type EmbeddedPostgres, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import { createInMemoryBus, createJetStreamBus, type EventBus } from '@govern/platform-events';
import { createServiceMetrics, startTelemetry, type TelemetrySettings } from '@govern/platform-observability';
import { startService, type RunningService, type ServiceDefinition, type ServiceDependencies } from '@govern/platform-runtime';
import { systemClock, type Clock } from '@govern/policy-core';

/**
 * Every service of the registry in one process, for a newcomer's machine and for tests. With a
 * PostgreSQL server (databaseUrl) each service gets its own database on it; without one,
 * each gets an embedded PGlite. With a NATS server the services talk over JetStream;
 * without one, over the in-process bus that keeps JetStream's contract.
 */
export interface PlatformOptions {
  log: Logger;
  host: string;
  /** First port; the services take basePort, +1, +2… in registry order (DEFAULT_BASE_PORT: their default ports). 0 picks free ports. */
  basePort: number;
  databaseUrl?: string | undefined;
  natsUrl?: string | undefined;
  /** Where embedded databases keep their files; omitted = in memory. */
  dataDir?: string | undefined;
  clock?: Clock;
  /** Prefix for stream names and subjects (tests); none in normal runs. */
  namespace?: string;
  /**
   * First Prometheus port: service i serves `GET /metrics` on metricsBasePort + i (0: free
   * ports). Unset: no metrics endpoints (tests).
   */
  metricsBasePort?: number | undefined;
  /** The OTEL_* settings; each service gets its own tracer provider (its own service.name). */
  telemetry?: Partial<TelemetrySettings> | undefined;
  /**
   * Where the development CA, the services' certificates and the dev token key live: made on
   * first start, reused later (the CLI and the console trust them from there). Default
   * `<dataDir>/pki`; without a data dir, a temporary directory removed on stop.
   */
  pkiDir?: string | undefined;
}

type ServiceStarter = (deps: ServiceDependencies) => Promise<RunningService<unknown>>;
const starter =
  <Client extends TransactionalClient<SqlTx> & { $disconnect(): Promise<void> }>(definition: ServiceDefinition<Client>): ServiceStarter =>
  (deps) => startService(definition, deps);

/**
 * Each registry service as this process runs it. Keyed by the registry's names, so a service
 * added to the registry (`nx g @govern/tools:service`) without an entry here does not compile.
 */
const SERVICE_STARTERS: { readonly [Name in ServiceName]: ServiceStarter } = {
  content: starter(contentService),
  'product-quality': starter(productQualityService),
  // Embedded mode hashes identity numbers with a development key; the service logs that it does.
  'merchant-access': starter(createMerchantAccessService({ identityHashKey: DEVELOPMENT_IDENTITY_HASH_KEY })),
  'consumer-experience': starter(consumerExperienceService),
};

export interface RunningPlatform {
  mode: { database: 'server' | 'embedded'; bus: 'jetstream' | 'in-process' };
  services: RunningService<unknown>[];
  bus: EventBus;
  /** The development CA the services' certificates chain to, and the dev token-signing key. */
  pki: DevPki;
  stop(): Promise<void>;
}

const databaseFor = (serverUrl: string, service: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/govern_${service.replaceAll('-', '_')}`;
  return url.toString();
};

const ensureDatabase = async (serverUrl: string, databaseUrl: string): Promise<void> => {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${name}"`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created concurrently: fine
    });
  } finally {
    await admin.end();
  }
};

/**
 * One embedded PostgreSQL per service, all started at once: each initialises (initdb on a fresh
 * data dir) in its own worker thread, so on a multi-core machine they overlap instead of
 * queuing one after the other. Every database that started is pushed to `started` (stopped by
 * the caller on failure), even when another one failed.
 */
const startEmbeddedDatabases = async (dataDir: string | undefined, started: EmbeddedPostgres[]): Promise<Map<ServiceName, string>> => {
  const results = await Promise.allSettled(
    SERVICE_NAMES.map(async (name) => {
      const db = await startEmbeddedPostgres(dataDir ? { dataDir: join(dataDir, name) } : {});
      started.push(db);
      return [name, db.connectionString] as const;
    }),
  );
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
  return new Map(results.map((result) => (result as PromiseFulfilledResult<readonly [ServiceName, string]>).value));
};

export const startPlatform = async (options: PlatformOptions): Promise<RunningPlatform> => {
  const { log } = options;
  const bus = options.natsUrl
    ? await createJetStreamBus({ natsUrl: options.natsUrl, log, ...(options.namespace ? { namespace: options.namespace } : {}) })
    : createInMemoryBus({ log, ...(options.namespace ? { namespace: options.namespace } : {}) });
  const temporaryPki = options.pkiDir || options.dataDir ? undefined : await mkdtemp(join(tmpdir(), 'govern-pki-'));
  const pki = await ensureDevPki({
    dir: options.pkiDir ?? (options.dataDir ? join(options.dataDir, 'pki') : (temporaryPki as string)),
    services: SERVICE_NAMES,
    clients: ['cli', 'console'],
    onChange: (message) => log.info(message),
  });
  // The services verify dev tokens the way they verify a real issuer's: JWKS, issuer, audience, expiry.
  const tokens = createTokenVerifier({ issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE, keys: { file: pki.jwksFile }, certificateOnlyWorkloads: GOVERN_SERVICES });
  const embedded: EmbeddedPostgres[] = [];
  const services: RunningService<unknown>[] = [];
  // Every step runs even when an earlier one fails, so nothing is left bound or locked.
  const stop = async (): Promise<void> => {
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>): Promise<void> => {
      await step().catch((error: unknown) => failures.push(error));
    };
    for (const service of [...services].reverse()) await attempt(() => service.shutdown());
    await attempt(() => bus.close());
    for (const db of embedded) await attempt(() => db.stop());
    if (temporaryPki) await attempt(() => rm(temporaryPki, { recursive: true, force: true }));
    if (failures.length > 0) throw new AggregateError(failures, 'the platform did not stop cleanly');
  };
  try {
    const databaseUrls = options.databaseUrl ? undefined : await startEmbeddedDatabases(options.dataDir, embedded);
    // In registry order: the ports follow it.
    for (const [index, name] of SERVICE_NAMES.entries()) {
      let databaseUrl: string;
      if (options.databaseUrl) {
        databaseUrl = databaseFor(options.databaseUrl, name);
        await ensureDatabase(options.databaseUrl, databaseUrl);
      } else {
        databaseUrl = (databaseUrls as Map<ServiceName, string>).get(name) as string;
      }
      const deps: ServiceDependencies = {
        log,
        clock: options.clock ?? systemClock,
        bus,
        databaseUrl,
        // PGlite is one session: its transactions run one at a time whatever the pool. A pool of
        // four (the wire server keeps each connection's prepared statements apart) was measured
        // on `govern simulate --scale demo`, two pairs against one connection: 7 % and 20 % more
        // CPU in this process (every connection prepares each statement again) and no shorter
        // run, so one connection.
        poolSize: options.databaseUrl ? 10 : 1,
        migrate: true,
        host: options.host,
        port: options.basePort === 0 ? 0 : options.basePort + index,
        transport: { mode: 'tls', material: pki.identity(name).material, clientAuth: 'optional', identity: checkTlsMaterial(pki.identity(name).material) },
        tokens,
        shutdownGraceMs: 5_000,
        relayListens: Boolean(options.databaseUrl),
        telemetry: startTelemetry({ serviceName: name, settings: options.telemetry ?? {}, log }),
        metrics: createServiceMetrics({ serviceName: name, log }),
        ...(options.metricsBasePort !== undefined ? { metricsPort: options.metricsBasePort === 0 ? 0 : options.metricsBasePort + index, metricsHost: options.host } : {}),
      };
      services.push(await SERVICE_STARTERS[name](deps));
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return {
    mode: { database: options.databaseUrl ? 'server' : 'embedded', bus: options.natsUrl ? 'jetstream' : 'in-process' },
    services,
    bus,
    pki,
    stop,
  };
};
