import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SERVICE_NAMES, serviceKey, type ServiceName } from '@govern/contracts-common';
import { devServiceSecuritySettings, devTokenProviderByPolicy, ensureDevPki, natsConnectionAuth, OPS_USER, PolicyTable, SERVICE_POLICIES, type ClientTransport } from '@govern/platform-auth';
import { connectPlatform, type PlatformAddresses } from '@govern/platform-clients';
import {
  createTestDatabase,
  installArtifact,
  runArtifactCommand,
  startArtifact,
  startNatsCluster,
  type InstalledArtifact,
  type NatsCluster,
  type RunningArtifact,
  type TestDatabase,
} from '@govern/platform-testing';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { COMMITTED_NATS_CONFIG, issueCommittedNatsUsers } from '../committed-nats';
import { METRICS_REPORT_PERIOD_MS, TEST_IDENTITY_HASH_KEY, type PlatformUnderTest } from '../platform-processes';

/**
 * Govern scaled out on one machine, as issue 15 deploys it: a 3-node NATS JetStream cluster
 * (deploy/nats/nats-server.conf with the committed accounts and permissions of
 * deploy/nats/govern.conf), streams at 3 replicas, and two replicas of each service started
 * from its `nx build` artifact (dist/apps/<service>, installed alone with `npm ci --omit=dev`,
 * migrated once by `node main.js migrate`), both replicas of a service on one database.
 * Everything it starts it stops, also when starting fails half-way.
 */
const root = join(import.meta.dirname, '..', '..', '..', '..');

export const REPLICAS = ['a', 'b'] as const;
export type ReplicaName = (typeof REPLICAS)[number];

export interface Replica {
  service: ServiceName;
  name: ReplicaName;
  running: RunningArtifact;
  /** The replica's own address and metrics endpoint. */
  address: string;
  metricsUrl: string;
  killed: boolean;
}

export interface ReplicatedPlatform extends PlatformUnderTest {
  cluster: NatsCluster;
  replicas: Replica[];
  replica(service: ServiceName, name: ReplicaName): Replica;
  /** `govern` CLI address flags: both replicas of each service (`ipv4:` list), `first` first (grpc-js pick_first fails over to the other). */
  cliAddressArgs(first: ReplicaName): string[];
  /** A NATS connection as the read-only `ops` user of the committed configuration (stream and durable info). */
  opsConnection(): Promise<NatsConnection>;
  /** kill -9 of one replica. */
  killReplica(replica: Replica): Promise<void>;
}

/** Built artifacts of every service; `npm run test:scale` builds them first (`nx run-many -t build`). */
const distOf = (service: ServiceName): string => {
  const dir = join(root, 'dist', 'apps', service);
  if (!existsSync(join(dir, 'main.js'))) throw new Error(`no artifact at ${dir}: run \`npx nx build ${service}\` (npm run test:scale does)`);
  return dir;
};

const metricsUrlOf = (replica: string, output: string): string => {
  const serving = output.split('\n').find((line) => line.includes('"msg":"serving"'));
  const url = serving ? (JSON.parse(serving) as { metrics?: string }).metrics : undefined;
  if (!url) throw new Error(`${replica} did not say where its metrics are`);
  return url;
};

/** Spreads the calls of one client over every address of its target (grpc-js' default, pick_first, would keep to one). */
export const ROUND_ROBIN = { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) };

const kill9 = async (running: RunningArtifact): Promise<void> => {
  if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
  await running.exited;
};

export const startReplicatedPlatform = async (options: { dbPoolSize?: number } = {}): Promise<ReplicatedPlatform> => {
  const users = issueCommittedNatsUsers();
  const pkiDir = await mkdtemp(join(tmpdir(), 'govern-scale-out-pki-'));
  const pki = await ensureDevPki({ dir: pkiDir, services: SERVICE_NAMES, clients: ['cli'] });
  const databases = {} as Record<ServiceName, TestDatabase>;
  const artifacts = {} as Record<ServiceName, InstalledArtifact>;
  const replicas: Replica[] = [];
  let cluster: NatsCluster | undefined;
  const pools: pg.Pool[] = [];

  // A test process that exits without its afterAll (an interrupt) still takes down what it started.
  const killOnExit = (): void => {
    for (const replica of replicas) replica.running.child.kill('SIGKILL');
    for (const node of cluster?.nodes ?? []) node.process.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stopAll = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await Promise.all(replicas.map((replica) => kill9(replica.running)));
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    await cluster?.stop();
    await Promise.all(Object.values(databases).map((db) => db.drop().catch(() => undefined)));
    for (const artifact of Object.values(artifacts)) artifact.remove();
    await rm(pkiDir, { recursive: true, force: true });
  };

  try {
    cluster = await startNatsCluster({ size: 3, accountsConfig: COMMITTED_NATS_CONFIG, env: users.serverEnv, timeoutMs: 60_000 });
    const natsUrl = cluster.natsUrl;
    for (const service of SERVICE_NAMES) {
      databases[service] = await createTestDatabase({ prefix: `scaleout_${service.replaceAll('-', '_')}` });
      // One production install per service; both replicas run from it, like two pods of one image.
      artifacts[service] = installArtifact(distOf(service));
      // Migrations run once, as the deploy's Job runs them, before any replica starts.
      const migrated = await runArtifactCommand(artifacts[service].dir, ['main.js', 'migrate'], { DATABASE_URL: databases[service].url });
      if (migrated.status !== 0) throw new Error(`${service}: migrate failed:\n${migrated.stdout}\n${migrated.stderr}`);
    }
    const envOf = (service: ServiceName): Record<string, string> => ({
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      DATABASE_URL: databases[service].url,
      DB_POOL_SIZE: String(options.dbPoolSize ?? 4),
      MIGRATE_ON_START: 'false',
      NATS_URL: natsUrl,
      ...users.settings[service],
      EVENT_STREAM_REPLICAS: '3',
      CONSUMER_DOWN_BOUND_MS: '5000',
      IDENTITY_HASH_KEY: TEST_IDENTITY_HASH_KEY,
      METRICS_REPORT_PERIOD_MS: String(METRICS_REPORT_PERIOD_MS),
      LOG_LEVEL: 'info',
      ...devServiceSecuritySettings(pki, service),
    });
    // Replica a of every service first (it makes the streams), then every b: both start against
    // streams and durables that exist, as a scale-up does.
    for (const name of REPLICAS) {
      const started = await Promise.allSettled(SERVICE_NAMES.map((service) => startArtifact(artifacts[service].dir, envOf(service), { timeoutMs: 180_000 })));
      started.forEach((result, i) => {
        const service = SERVICE_NAMES[i] as ServiceName;
        if (result.status === 'rejected') return;
        replicas.push({ service, name, running: result.value, address: result.value.address, metricsUrl: metricsUrlOf(`${service}-${name}`, result.value.output()), killed: false });
      });
      const failed = started.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const replica = (service: ServiceName, name: ReplicaName): Replica => {
    const found = replicas.find((r) => r.service === service && r.name === name);
    if (!found) throw new Error(`no replica ${service}-${name}`);
    return found;
  };
  const targetOf = (service: ServiceName, first: ReplicaName = 'a'): string => {
    const ordered = [...REPLICAS].sort((x, y) => (x === first ? -1 : y === first ? 1 : 0));
    return `ipv4:${ordered.map((name) => replica(service, name).address).join(',')}`;
  };
  const addresses = Object.fromEntries(SERVICE_NAMES.map((service) => [serviceKey(service), targetOf(service)])) as PlatformAddresses;
  const cli = pki.identity('cli').material;
  const transport: ClientTransport = { mode: 'tls', options: { ca: pki.ca, cert: cli.cert, key: cli.key } };
  const clients = connectPlatform(addresses, {
    transport,
    token: devTokenProviderByPolicy(pki.signingKeyFile, new PolicyTable(SERVICE_POLICIES), { personPrefix: 'so' }),
    channelOptions: ROUND_ROBIN,
  });
  const sql = Object.fromEntries(
    SERVICE_NAMES.map((service) => {
      const pool = new pg.Pool({ connectionString: databases[service].url, max: 2 });
      pool.on('error', () => undefined);
      pools.push(pool);
      return [service, pool];
    }),
  ) as Record<ServiceName, pg.Pool>;
  const live = cluster;

  return {
    cluster: live,
    replicas,
    replica,
    addresses,
    clients,
    sql,
    namespace: '',
    pki,
    transport,
    cliEnv: { GOVERN_PKI_DIR: pki.dir },
    // Both replicas' logs (the marketplace helpers show a service's last errors on a failure).
    logs: (service) =>
      replicas
        .filter((r) => r.service === service)
        .map((r) => r.running.output())
        .join('\n'),
    metricsUrls: Object.fromEntries(SERVICE_NAMES.map((service) => [service, replica(service, 'b').metricsUrl])) as Record<ServiceName, string>,
    cliAddressArgs: (first) => SERVICE_NAMES.flatMap((service) => [`--${service}`, targetOf(service, first)]),
    opsConnection: () =>
      connect({
        servers: live.nodes.filter((node) => node.process.exitCode === null && node.process.signalCode === null).map((node) => node.url),
        ...natsConnectionAuth({ NATS_NKEY_SEED: users.seedOf(OPS_USER) }, OPS_USER),
      }),
    async killReplica(target) {
      target.killed = true;
      await kill9(target.running);
    },
    async stop() {
      clients.close();
      // SCALE_OUT_LOG_DIR=<dir> keeps every replica's log of the run.
      const logDir = process.env['SCALE_OUT_LOG_DIR'];
      if (logDir) {
        mkdirSync(logDir, { recursive: true });
        for (const r of replicas) writeFileSync(join(logDir, `${r.service}-${r.name}.log`), r.running.output());
      }
      await stopAll();
    },
  };
};

/** A short random id for the run's ids (request ids, merchants) so a rerun never meets an old one. */
export const runKey = (): string => `so${randomBytes(3).toString('hex')}`;
