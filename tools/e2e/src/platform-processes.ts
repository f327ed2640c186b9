import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, deleteNamespaceStreams, natsServerBinary, pollUntil, startServiceProcess, testInfra, uniqueSuffix, type ServiceProcess, type TestDatabase } from '@govern/platform-testing';
import { SERVICE_NAMES, serviceKey, type ServiceName } from '@govern/contracts-common';
import { connectPlatform, type PlatformAddresses, type PlatformClients } from '@govern/platform-clients';
import {
  devServiceSecuritySettings,
  devTokenProviderByPolicy,
  SERVICE_POLICIES,
  ensureDevPki,
  PolicyTable,
  type ClientTransport,
  type DevPki,
} from '@govern/platform-auth';
import { startOtlpCollectorStub, type OtlpCollectorStub } from '@govern/platform-observability';
import { startCommittedNats } from './committed-nats';

/**
 * Every registry service as a separate process, each started the way its team deploys
 * it (`tsx apps/<service>/src/main.ts` with its own database), talking over real gRPC
 * and NATS JetStream. Each run has its own databases and event namespace.
 */
const root = join(import.meta.dirname, '..', '..', '..');

export { SERVICE_NAMES, type ServiceName };

export interface PlatformUnderTest {
  addresses: PlatformAddresses;
  clients: PlatformClients;
  /** Direct read access to each service's database, for assertions only. */
  sql: Record<ServiceName, pg.Pool>;
  /** The event namespace of this run (stream names are `<namespace>_GOVERN_*`). */
  namespace: string;
  /** The development CA of this run: the services' certificates, the CLI's, the dev token key. */
  pki: DevPki;
  /** TLS against the run's CA with the CLI's certificate: how a test's own client reaches the services. */
  transport: ClientTransport;
  /** Environment for a `govern` process so it finds this run's CA, certificate and dev key by itself. */
  cliEnv: Record<string, string>;
  logs(service: ServiceName): string;
  /** Each service's Prometheus endpoint (every process serves one, on a free port). */
  metricsUrls: Record<ServiceName, string>;
  /** What the services exported over OTLP, when started with `collectSpans`. */
  collector?: OtlpCollectorStub;
  stop(): Promise<void>;
}

/**
 * consumer-experience reports service metrics at the end of each period (15 minutes in
 * production); the platform under test reports every few seconds so cascade 4 settles quickly.
 */
export const METRICS_REPORT_PERIOD_MS = 3_000;

/** Development key for hashing identity numbers in tests; production sets its own secret. */
export const TEST_IDENTITY_HASH_KEY = 'e2e-identity-hash-key-not-a-production-secret';

/** Where the platform runs: the shared servers by default; fault tests give their own (to kill) and extra settings. */
export interface PlatformOptions {
  natsUrl?: string;
  adminDatabaseUrl?: string;
  env?: Record<string, string>;
  /**
   * Trust on NATS (issue 12): each service's NATS settings for a server with the committed
   * configuration (`startCommittedNats`), given with its `natsUrl`; the server is the run's own,
   * so no event namespace. Without `natsUrl` the run starts such a server itself.
   */
  natsSettings?: Record<ServiceName, Record<string, string>>;
  /** Export every service's spans over OTLP to a collector stub of this test (`collector`). */
  collectSpans?: boolean;
}

/** The metrics endpoint a service printed in its `serving` line (METRICS_PORT=0 picks a free port). */
const metricsUrlOf = (service: ServiceName, output: string): string => {
  const serving = output.split('\n').find((line) => line.includes('"msg":"serving"'));
  const url = serving ? (JSON.parse(serving) as { metrics?: string }).metrics : undefined;
  if (!url) throw new Error(`${service} did not say where its metrics are:\n${output.slice(0, 2_000)}`);
  return url;
};

export const startPlatformProcesses = async (options: PlatformOptions = {}): Promise<PlatformUnderTest> => {
  const shared = await testInfra();
  // ---- Trust on NATS (issue 12 item 5) ----
  // Unless the caller brings a server (fault tests: one to kill), the run gets a nats-server of its
  // own with the committed configuration, each service signed in with its own NKey. Without the
  // binary (a Docker-only machine), the shared server, anonymously, as before.
  const ownNats = options.natsUrl || !natsServerBinary() ? undefined : await startCommittedNats();
  if (!options.natsUrl && !ownNats) console.warn('e2e: no nats-server binary; services use the shared NATS without credentials');
  const natsSettings = options.natsSettings ?? ownNats?.settings;
  const infra = { natsUrl: options.natsUrl ?? ownNats?.url ?? shared.natsUrl };
  // ---- end of trust on NATS ----
  const namespace = `e2e${uniqueSuffix()}`;
  // Each service serves TLS with its own certificate from a CA of this run and verifies dev
  // tokens like a real issuer's: the cascades run with every check on.
  const pkiDir = await mkdtemp(join(tmpdir(), 'govern-e2e-pki-'));
  const pki = await ensureDevPki({ dir: pkiDir, services: SERVICE_NAMES, clients: ['cli'] });
  const databases = {} as Record<ServiceName, TestDatabase>;
  const processes = {} as Record<ServiceName, ServiceProcess>;
  const collector = options.collectSpans ? await startOtlpCollectorStub() : undefined;
  const stop = async (): Promise<void> => {
    await Promise.all(Object.values(processes).map((running) => running.stop()));
    // After the processes: they flush their last spans as they stop.
    await collector?.close();
    await Promise.all(Object.values(databases).map((db) => db.drop()));
    // A server with per-service users admits no anonymous cleanup; it is the run's own anyway.
    if (!natsSettings) await deleteNamespaceStreams(infra.natsUrl, namespace);
    await ownNats?.server.dispose();
    await rm(pkiDir, { recursive: true, force: true });
  };
  try {
    for (const service of SERVICE_NAMES) {
      const prefix = `e2e_${service.replaceAll('-', '_')}`;
      databases[service] = await createTestDatabase(options.adminDatabaseUrl ? { prefix, adminDatabaseUrl: options.adminDatabaseUrl } : { prefix });
    }
    const envOf = (service: ServiceName): NodeJS.ProcessEnv => ({
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: databases[service].url,
      NATS_URL: infra.natsUrl,
      ...(natsSettings ? natsSettings[service] : { EVENT_NAMESPACE: namespace }),
      IDENTITY_HASH_KEY: TEST_IDENTITY_HASH_KEY,
      METRICS_REPORT_PERIOD_MS: String(METRICS_REPORT_PERIOD_MS),
      LOG_LEVEL: 'info',
      METRICS_PORT: '0',
      ...(collector ? { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' } : {}),
      ...devServiceSecuritySettings(pki, service),
      ...options.env,
    });
    // Settled, not all: the services that did start are stopped even when another did not.
    const started = await Promise.allSettled(SERVICE_NAMES.map((service) => startServiceProcess({ cwd: root, entry: `apps/${service}/src/main.ts`, env: envOf(service) })));
    SERVICE_NAMES.forEach((service, i) => {
      const result = started[i];
      if (result?.status === 'fulfilled') processes[service] = result.value;
    });
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stop();
    throw error;
  }
  const addresses = Object.fromEntries(SERVICE_NAMES.map((service) => [serviceKey(service), processes[service].address])) as PlatformAddresses;
  const cli = pki.identity('cli').material;
  const transport: ClientTransport = { mode: 'tls', options: { ca: pki.ca, cert: cli.cert, key: cli.key } };
  // The test plays every actor of the marketplace: per RPC, the caller the services' tables name for it.
  const clients = connectPlatform(addresses, { transport, token: devTokenProviderByPolicy(pki.signingKeyFile, new PolicyTable(SERVICE_POLICIES), { personPrefix: 'e2e' }) });
  const metricsUrls = Object.fromEntries(SERVICE_NAMES.map((service) => [service, metricsUrlOf(service, processes[service].output())])) as Record<ServiceName, string>;
  const sql = Object.fromEntries(
    SERVICE_NAMES.map((s) => {
      const pool = new pg.Pool({ connectionString: databases[s].url, max: 2 });
      // An idle connection dropped by a database restart (fault tests) must not crash the test process.
      pool.on('error', () => undefined);
      return [s, pool];
    }),
  ) as Record<ServiceName, pg.Pool>;
  return {
    addresses,
    clients,
    sql,
    namespace,
    pki,
    transport,
    cliEnv: { GOVERN_PKI_DIR: pki.dir },
    logs: (service) => processes[service].output(),
    metricsUrls,
    ...(collector ? { collector } : {}),
    async stop() {
      clients.close();
      await Promise.all(Object.values(sql).map((pool) => pool.end()));
      await stop();
      // E2E_LOG_DIR=<dir> keeps each service's log of the run (for diagnosing a failed cascade).
      const logDir = process.env['E2E_LOG_DIR'];
      if (logDir) {
        mkdirSync(logDir, { recursive: true });
        for (const service of SERVICE_NAMES) writeFileSync(join(logDir, `${service}.log`), processes[service].output());
      }
    },
  };
};

/** Polls until `check` returns a value (not undefined) or the bound passes; returns it and the time taken. */
export const settle = async <T>(what: string, check: () => Promise<T | undefined>, boundMs = 30_000): Promise<{ value: T; ms: number }> => {
  const started = Date.now();
  const value = await pollUntil(`${what} did not settle`, check, { timeoutMs: boundMs, intervalMs: 100 });
  return { value, ms: Date.now() - started };
};
