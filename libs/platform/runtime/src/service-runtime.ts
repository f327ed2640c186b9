import type { StreamSpec } from '@govern/contracts-common';
import { commonDescriptorSet } from '@govern/contracts-common';
import { applyMigrations, createJobRunner, isDatabaseUnavailable, type DatabaseConnection, type JobHandler, type JobRunner, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import { createInboxRetention, createOutboxRelay, observeConsumersOn, watchConsumerHealth, type EventBus, type OutboxRelay } from '@govern/platform-events';
import { createGrpcServer, type GrpcServer } from '@govern/platform-grpc';
import {
  createServiceMetrics,
  jobsSnapshotFrom,
  outboxSnapshotFrom,
  startMetricsServer,
  startTelemetry,
  type MetricsServer,
  type ServiceMetrics,
  type Telemetry,
} from '@govern/platform-observability';
import { randomIds, type Clock, type IdGenerator } from '@govern/policy-core';
import type { Logger } from 'pino';
import { clientTransportOf, type ClientTransport, type TokenVerifier, type TransportSecurity } from '@govern/platform-auth';

/**
 * What every service process does around its own logic, in one place: migrate, connect,
 * make sure the event streams exist, relay the outbox, serve gRPC with health and
 * reflection, and on shutdown drain calls first, then stop consumers and timers, flush the
 * relay and close the database — in that order, so no accepted call or event is lost.
 *
 * A service lib supplies `register`, which adds its gRPC handlers, consumers and job
 * runners; the app's main.ts (own servers) and the dev platform (embedded, all four in
 * one process) both start services through here.
 */
export interface ServiceDependencies {
  log: Logger;
  clock: Clock;
  /** Event and resource ids; random UUIDs unless a test fixes them. */
  ids?: IdGenerator;
  bus: EventBus;
  databaseUrl: string;
  poolSize: number;
  migrate: boolean;
  host: string;
  port: number;
  /** TLS material (mutual TLS between services), or plaintext chosen explicitly for development. */
  transport: TransportSecurity;
  /** Verifies the bearer tokens of people and systems; without one only client certificates identify callers. */
  tokens?: TokenVerifier | undefined;
  shutdownGraceMs: number;
  /** LISTEN/NOTIFY wakes the relay (a PostgreSQL server); false on embedded PGlite. */
  relayListens: boolean;
  /** Background loops (job runners, inbox retention) start by themselves; tests turn them off and drive them. */
  backgroundJobs?: boolean;
  /** Close the bus on shutdown (a standalone service owns its connection; the dev platform shares one). */
  ownsBus?: boolean;
  /** Outbox and inbox retention, dead-row bound, and how long a consumer may be down before health says NOT_SERVING (platform-events defaults). */
  events?: { outboxRetentionMs?: number; outboxMaxRejections?: number; consumerDownBoundMs?: number; inboxRetentionMs?: number };
  /**
   * The service's tracing (`startTelemetry`): spans of its calls, consumed events and jobs. Left
   * out (tests), spans still get ids, so log lines carry trace_id, and nothing is exported.
   */
  telemetry?: Telemetry;
  /** The service's Prometheus registry (`createServiceMetrics`); left out, one without process metrics. */
  metrics?: ServiceMetrics;
  /** Serve `GET /metrics` on this port (0: any free one); unset, no endpoint (the default in tests). */
  metricsPort?: number;
  /** Interface of the metrics endpoint; default 127.0.0.1. */
  metricsHost?: string;
}

export interface ServiceContext<Client> {
  db: Client;
  ids: IdGenerator;
  database: DatabaseConnection<Client>;
  server: GrpcServer;
  bus: EventBus;
  log: Logger;
  clock: Clock;
  /** The service's metrics: use cases and consumers that decide count their decisions here after committing. */
  metrics: ServiceMetrics;
  telemetry: Telemetry;
  /** How this service calls another Govern service: mutual TLS with its own certificate (`createServiceClient(…, { transport })`). */
  clientTransport: ClientTransport;
  /** Call after committing a transaction that wrote outbox rows: publishes promptly. */
  eventsWritten(): void;
  /** Registers something to stop on shutdown, after the gRPC drain and before the database closes. */
  onStop(name: string, stop: () => Promise<unknown> | unknown): void;
  /**
   * Durable timers of this service (kind -> handler over the scheduled_jobs table). The
   * runner polls when background jobs are on; tests run due jobs with `runDueJobs()`.
   */
  jobs(handlers: Record<string, JobHandler<TxOf<Client>>>, options?: { pollMs?: number; continuationKinds?: readonly string[] }): void;
}

type TxOf<Client> = Client extends TransactionalClient<infer Tx> ? Tx : never;

export interface ServiceDefinition<Client> {
  /** Short name: `merchant-access`; ErrorInfo.domain becomes `merchant-access.govern`. */
  name: string;
  migrationsDir: string;
  connect(options: { connectionString: string; poolSize: number }): DatabaseConnection<Client>;
  /** The stream this service publishes into, and the streams it consumes from. */
  streams: readonly StreamSpec[];
  descriptorSets: readonly Uint8Array[];
  register(context: ServiceContext<Client>): Promise<void>;
}

export interface RunningService<Client> {
  name: string;
  port: number;
  address: string;
  db: Client;
  server: GrpcServer;
  metrics: ServiceMetrics;
  /** `http://host:port/metrics` when the service serves its metrics (metricsPort set). */
  metricsUrl?: string;
  /** Runs every durable job due by the service's clock (tests move the clock, then call this). */
  runDueJobs(): Promise<number>;
  shutdown(): Promise<void>;
}

export const startService = async <Client extends TransactionalClient<SqlTx> & { $disconnect(): Promise<void> }>(
  definition: ServiceDefinition<Client>,
  deps: ServiceDependencies,
): Promise<RunningService<Client>> => {
  const log = deps.log.child({ service: definition.name });
  if (deps.migrate) {
    const result = await applyMigrations({ connectionString: deps.databaseUrl, migrationsDir: definition.migrationsDir, log: (m) => log.info(m) });
    log.info({ applied: result.applied.length }, 'database migrated');
  }
  const telemetry = deps.telemetry ?? startTelemetry({ serviceName: definition.name });
  const metrics = deps.metrics ?? createServiceMetrics({ serviceName: definition.name, processMetrics: false, log });
  const database = definition.connect({ connectionString: deps.databaseUrl, poolSize: deps.poolSize });
  await deps.bus.ensureStreams(definition.streams);

  const relay: OutboxRelay = createOutboxRelay({
    pool: database.pool,
    connectionString: deps.databaseUrl,
    bus: deps.bus,
    log,
    listen: deps.relayListens,
    metrics,
    ...(deps.events?.outboxRetentionMs !== undefined ? { retentionMs: deps.events.outboxRetentionMs } : {}),
    ...(deps.events?.outboxMaxRejections !== undefined ? { maxRejections: deps.events.outboxMaxRejections } : {}),
  });
  // A background loop like the job runners: it runs where they run (not in tests that turn them off).
  const inboxRetention = createInboxRetention({
    pool: database.pool,
    log,
    ...(deps.events?.inboxRetentionMs !== undefined ? { retentionMs: deps.events.inboxRetentionMs } : {}),
  });
  const stoppers: { name: string; stop: () => Promise<unknown> | unknown }[] = [
    { name: 'inbox retention', stop: () => inboxRetention.stop() },
  ];
  const server = createGrpcServer({
    serviceName: definition.name,
    logger: log,
    descriptorSets: [commonDescriptorSet, ...definition.descriptorSets],
    shutdownGraceMs: deps.shutdownGraceMs,
    isUnavailable: isDatabaseUnavailable,
    telemetry,
    metrics,
    transport: deps.transport,
    tokens: deps.tokens,
  });
  // Spans are exported until the very end (closers run in reverse order: this one last).
  server.onShutdown(() => telemetry.shutdown(), 'telemetry');
  let metricsServer: MetricsServer | undefined;
  server.onShutdown(() => metricsServer?.close(), 'metrics endpoint');

  const consumerHealth = watchConsumerHealth({
    setServing: (status) => server.health.set('', status),
    log,
    ...(deps.events?.consumerDownBoundMs !== undefined ? { boundMs: deps.events.consumerDownBoundMs } : {}),
  });
  server.onShutdown(() => consumerHealth.stop(), 'consumer health');

  // Closers run in reverse order of registration, all after the gRPC drain: consumers and
  // timers (registered by the service) first, then the relay flushes, then the bus and
  // the database close.
  server.onShutdown(() => database.close(), 'database');
  if (deps.ownsBus) server.onShutdown(() => deps.bus.close(), 'event bus');
  server.onShutdown(async () => {
    await relay.drain().catch((error: unknown) => log.warn({ err: error }, 'outbox not fully relayed at shutdown; it will be on next start'));
    await relay.stop();
  }, 'outbox relay');
  server.onShutdown(async () => {
    for (const stopper of [...stoppers].reverse()) {
      await Promise.resolve(stopper.stop()).catch((error: unknown) => log.error({ err: error, what: stopper.name }, 'stop failed'));
    }
  }, 'consumers and jobs');

  // Consumers see a bus that wakes the relay once a handled message's transaction has
  // committed, so events a consumer writes (cascades) go out at once, also in embedded
  // mode where LISTEN/NOTIFY is not available.
  const durables = new Set<string>();
  const bus: EventBus = observeConsumersOn(
    {
      ...deps.bus,
      ensureStreams: (specs) => deps.bus.ensureStreams(specs),
      publish: (messages) => deps.bus.publish(messages),
      close: () => deps.bus.close(),
      ping: () => deps.bus.ping(),
      // This service's consumers only (the dev platform's four services share one bus).
      consumerStats: async () => ((await deps.bus.consumerStats?.()) ?? []).filter((stats) => durables.has(stats.consumer)),
      // No relay wake-up per handled batch: a consumer writes events only through a unit of work,
      // which wakes the relay after its transaction commits (`eventsCommitted`). Waking it after
      // every batch cost each batch a claim transaction for nothing (issue 13: 17-18% of content's
      // CPU per event at EvaluateListing's trickle).
      consume: async (options) => {
        const handle = await deps.bus.consume(options);
        durables.add(options.durable);
        return consumerHealth.track(options.durable, handle);
      },
    },
    // The service's consumers (started by its lib with this bus) trace and count through it.
    { telemetry, metrics },
  );
  metrics.observeOutbox(outboxSnapshotFrom(database.pool));
  metrics.observeJobs(jobsSnapshotFrom(database.pool, { now: () => deps.clock.now() }));
  metrics.observeDbPool('main', database.pool);
  metrics.observeConsumers(() => bus.consumerStats?.() ?? Promise.resolve([]));
  let port: number;
  const runners: JobRunner[] = [];
  const backgroundJobs = deps.backgroundJobs ?? true;
  try {
    await definition.register({
      db: database.client,
      ids: deps.ids ?? randomIds,
      database,
      server,
      bus,
      log,
      clock: deps.clock,
      metrics,
      telemetry,
      clientTransport: clientTransportOf(deps.transport),
      eventsWritten: () => relay.kick(),
      onStop: (name, stop) => stoppers.push({ name, stop }),
      jobs: (handlers, options) => {
        const runner = createJobRunner({
          database: { pool: database.pool, client: database.client as unknown as TransactionalClient<TxOf<Client>> },
          clock: deps.clock,
          log,
          handlers,
          afterCommit: () => relay.kick(),
          telemetry,
          metrics,
          ...options,
        });
        runners.push(runner);
        stoppers.push({ name: 'job runner', stop: () => runner.stop() });
      },
    });
    if (backgroundJobs) {
      for (const runner of runners) runner.start();
      inboxRetention.start();
    }
    await relay.start();
    // Before gRPC listens, so a taken metrics port stops the start while nothing is served yet.
    if (deps.metricsPort !== undefined) {
      metricsServer = await startMetricsServer({ metrics, host: deps.metricsHost ?? '127.0.0.1', port: deps.metricsPort, log });
    }
    port = await server.listen(`${deps.host}:${deps.port}`);
  } catch (error) {
    // Started half-way (a consumer refused, the port taken): stop what did start, so the
    // caller is not left with a pool, timers and consumers keeping the process alive.
    for (const stopper of [...stoppers].reverse()) await Promise.resolve(stopper.stop()).catch(() => undefined);
    await relay.stop().catch(() => undefined);
    consumerHealth.stop();
    await metricsServer?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
  const address = `${deps.host}:${port}`;
  log.info({ address, ...(metricsServer ? { metrics: metricsServer.url } : {}) }, 'serving');
  return {
    name: definition.name,
    port,
    address,
    db: database.client,
    server,
    metrics,
    ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
    runDueJobs: async () => {
      let ran = 0;
      for (const runner of runners) ran += await runner.runDue();
      relay.kick();
      return ran;
    },
    shutdown: () => server.shutdown(),
  };
};
