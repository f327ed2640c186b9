import type { StreamSpec } from '@govern/contracts-common';
import { commonDescriptorSet } from '@govern/contracts-common';
import { applyMigrations, createJobRunner, isDatabaseUnavailable, type DatabaseConnection, type JobHandler, type JobRunner, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import { createOutboxRelay, watchConsumerHealth, type EventBus, type OutboxRelay } from '@govern/platform-events';
import { createGrpcServer, type GrpcServer } from '@govern/platform-grpc';
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
  /** Background loops (job runners) start by themselves; tests turn them off and drive them. */
  backgroundJobs?: boolean;
  /** Close the bus on shutdown (a standalone service owns its connection; the dev platform shares one). */
  ownsBus?: boolean;
  /** Outbox retention and dead-row bound, and how long a consumer may be down before health says NOT_SERVING (platform-events defaults). */
  events?: { outboxRetentionMs?: number; outboxMaxRejections?: number; consumerDownBoundMs?: number };
}

export interface ServiceContext<Client> {
  db: Client;
  ids: IdGenerator;
  database: DatabaseConnection<Client>;
  server: GrpcServer;
  bus: EventBus;
  log: Logger;
  clock: Clock;
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
  jobs(handlers: Record<string, JobHandler<TxOf<Client>>>, options?: { pollMs?: number }): void;
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
  const database = definition.connect({ connectionString: deps.databaseUrl, poolSize: deps.poolSize });
  await deps.bus.ensureStreams(definition.streams);

  const relay: OutboxRelay = createOutboxRelay({
    pool: database.pool,
    connectionString: deps.databaseUrl,
    bus: deps.bus,
    log,
    listen: deps.relayListens,
    ...(deps.events?.outboxRetentionMs !== undefined ? { retentionMs: deps.events.outboxRetentionMs } : {}),
    ...(deps.events?.outboxMaxRejections !== undefined ? { maxRejections: deps.events.outboxMaxRejections } : {}),
  });
  const stoppers: { name: string; stop: () => Promise<unknown> | unknown }[] = [];
  const server = createGrpcServer({
    serviceName: definition.name,
    logger: log,
    descriptorSets: [commonDescriptorSet, ...definition.descriptorSets],
    shutdownGraceMs: deps.shutdownGraceMs,
    isUnavailable: isDatabaseUnavailable,
    transport: deps.transport,
    tokens: deps.tokens,
  });

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
  const bus: EventBus = {
    ...deps.bus,
    ensureStreams: (specs) => deps.bus.ensureStreams(specs),
    publish: (messages) => deps.bus.publish(messages),
    close: () => deps.bus.close(),
    ping: () => deps.bus.ping(),
    consume: async (options) => {
      const handleBatch = options.handleBatch;
      const handle = await deps.bus.consume({
        ...options,
        handler: async (message) => {
          await options.handler(message);
          relay.kick();
        },
        ...(handleBatch
          ? {
              handleBatch: async (messages) => {
                const outcomes = await handleBatch(messages);
                relay.kick();
                return outcomes;
              },
            }
          : {}),
      });
      return consumerHealth.track(options.durable, handle);
    },
  };
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
          ...options,
        });
        runners.push(runner);
        stoppers.push({ name: 'job runner', stop: () => runner.stop() });
      },
    });
    if (backgroundJobs) for (const runner of runners) runner.start();
    await relay.start();
    port = await server.listen(`${deps.host}:${deps.port}`);
  } catch (error) {
    // Started half-way (a consumer refused, the port taken): stop what did start, so the
    // caller is not left with a pool, timers and consumers keeping the process alive.
    for (const stopper of [...stoppers].reverse()) await Promise.resolve(stopper.stop()).catch(() => undefined);
    await relay.stop().catch(() => undefined);
    consumerHealth.stop();
    await database.close().catch(() => undefined);
    throw error;
  }
  const address = `${deps.host}:${port}`;
  log.info({ address }, 'serving');
  return {
    name: definition.name,
    port,
    address,
    db: database.client,
    server,
    runDueJobs: async () => {
      let ran = 0;
      for (const runner of runners) ran += await runner.runDue();
      relay.kick();
      return ran;
    },
    shutdown: () => server.shutdown(),
  };
};
