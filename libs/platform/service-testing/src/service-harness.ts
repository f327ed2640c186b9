import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import type { EventType } from '@govern/contracts-common';
import type { DevPki } from '@govern/platform-auth';
import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import { closeServiceClient, createServiceClient, type ServiceClient, type ServiceClientOptions } from '@govern/platform-grpc';
import type { CompatServiceDefinition } from 'nice-grpc';
import { createJetStreamBus, toOutgoing, type EventBus, type EventMessage, type IncomingMessage } from '@govern/platform-events';
import { startService, type RunningService, type ServiceDefinition } from '@govern/platform-runtime';
import { ManualClock } from '@govern/policy-core';
import { createTestDatabase, deleteNamespaceStreams, testInfra, uniqueSuffix, type TestDatabase } from '@govern/platform-testing';
import { devTokenVerifier, serverTransportOf, testClientCredentials, testPki, type TestCaller, type TestClientCredentials } from './test-credentials';

/**
 * A service started for an integration test the way production starts it (real gRPC on
 * 127.0.0.1:0, a fresh PostgreSQL database, NATS JetStream in a namespace of its own),
 * with a clock the test moves and background timers off (the test runs them).
 */
export interface ServiceUnderTest<Client> {
  service: RunningService<Client>;
  address: string;
  db: Client;
  database: TestDatabase;
  /** The event namespace of the test (stream names `<namespace>_GOVERN_*`). */
  namespace: string;
  bus: EventBus;
  clock: ManualClock;
  /** The development CA of this test process (the service's certificate, the token-signing key). */
  pki: DevPki;
  /**
   * A client of the service over TLS carrying `caller`'s credentials (see TestCaller; by
   * default, per RPC, the caller the service's policy names). Closed when the service stops.
   */
  client<Service extends CompatServiceDefinition>(definition: Service, caller?: TestCaller, options?: Partial<ServiceClientOptions>): ServiceClient<Service>;
  /** The transport and token provider of `caller`, for clients made elsewhere (raw grpc-js, fuzz). */
  credentials(caller?: TestCaller): TestClientCredentials;
  /** Runs the service's durable jobs that are due by the clock. */
  runDueJobs(): Promise<number>;
  /** Publishes an event onto the bus as its producer would (msgID = meta.eventId). */
  publish<T extends EventMessage>(type: EventType<T>, message: T): Promise<void>;
  /** Collects every event published on `subjects` of `stream` from now on. */
  collect(stream: string, subjects: string[]): Promise<EventCollector>;
  stop(): Promise<void>;
}

export interface CollectedEvent {
  subject: string;
  typeName: string;
  eventId: string;
  payload: Uint8Array;
}

export interface EventCollector {
  readonly events: readonly CollectedEvent[];
  /** Decoded events of one type. */
  of<T>(type: EventType<T>): T[];
  /** Waits until `count` events of the type arrived (or fails after timeoutMs). */
  waitFor<T>(type: EventType<T>, count: number, timeoutMs?: number): Promise<T[]>;
  stop(): Promise<void>;
}

export const startServiceForTest = async <Client extends TransactionalClient<SqlTx> & { $disconnect(): Promise<void> }>(
  definition: ServiceDefinition<Client>,
  options: {
    clock?: ManualClock;
    logLevel?: string;
    poolSize?: number;
    /**
     * Start a second replica of a service already under test: same database (not migrated again,
     * not dropped by this one's `stop`), same event namespace (its consumers share the durables),
     * same clock unless given. Its `stop` leaves the first replica's database and streams alone.
     */
    replicaOf?: ServiceUnderTest<Client>;
  } = {},
): Promise<ServiceUnderTest<Client>> => {
  const infra = await testInfra();
  const log = pino({ level: options.logLevel ?? 'silent' });
  const first = options.replicaOf;
  const namespace = first?.namespace ?? `t${uniqueSuffix()}`;
  const bus = await createJetStreamBus({ natsUrl: infra.natsUrl, log, namespace });
  const database = first?.database ?? (await createTestDatabase({ prefix: definition.name.replaceAll('-', '_') }));
  const clock = options.clock ?? first?.clock ?? new ManualClock('2026-11-01T00:00:00Z');
  const pki = await testPki();
  const service = await startService(definition, {
    transport: serverTransportOf(pki, definition.name),
    tokens: devTokenVerifier(pki),
    log,
    clock,
    bus,
    databaseUrl: database.url,
    poolSize: options.poolSize ?? 10,
    migrate: !first,
    host: '127.0.0.1',
    port: 0,
    shutdownGraceMs: 5_000,
    relayListens: true,
    backgroundJobs: false,
  });
  const collectors: EventCollector[] = [];

  const collect = async (stream: string, subjects: string[]): Promise<EventCollector> => {
    const events: CollectedEvent[] = [];
    const handle = await bus.consume({
      durable: `collector_${uniqueSuffix()}`,
      stream,
      subjects,
      maxDeliver: 1,
      backoffMs: [100],
      handler: async (message: IncomingMessage) => {
        events.push({ subject: message.subject, typeName: message.eventType, eventId: message.eventId, payload: message.payload });
      },
    });
    const of = <T>(type: EventType<T>): T[] => events.filter((e) => e.typeName === type.typeName).map((e) => type.codec.decode(e.payload));
    const collector: EventCollector = {
      events,
      of,
      async waitFor(type, count, timeoutMs = 10_000) {
        const until = Date.now() + timeoutMs;
        while (of(type).length < count) {
          if (Date.now() > until) throw new Error(`timed out waiting for ${count} ${type.typeName} (have ${of(type).length})`);
          await sleep(20);
        }
        return of(type);
      },
      stop: () => handle.stop(),
    };
    collectors.push(collector);
    return collector;
  };

  const clients: object[] = [];
  return {
    service,
    address: service.address,
    db: service.db,
    database,
    namespace,
    bus,
    clock,
    pki,
    credentials: (caller = {}) => testClientCredentials(pki, caller, service.server.policies),
    client(clientDefinition, caller = {}, clientOptions = {}) {
      const credentials = testClientCredentials(pki, caller, service.server.policies);
      const client = createServiceClient(clientDefinition, service.address, { defaultDeadlineMs: 10_000, ...credentials, ...clientOptions });
      clients.push(client);
      return client;
    },
    runDueJobs: () => service.runDueJobs(),
    async publish(type, message) {
      const event = toOutgoing(type, message);
      await bus.publish([{ subject: event.subject, eventId: event.eventId, eventType: event.eventType, payload: event.payload }]);
    },
    collect,
    async stop() {
      for (const collector of collectors) await collector.stop();
      clients.forEach(closeServiceClient);
      await service.shutdown();
      await bus.close();
      if (first) return;
      await database.drop();
      await deleteNamespaceStreams(infra.natsUrl, namespace);
    },
  };
};
