import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { connectPlatform, type PlatformAddresses, type PlatformClients } from '@govern/platform-clients';
import { createTestDatabase, deleteNamespaceStreams, uniqueSuffix, type TestDatabase } from '@govern/platform-testing';
import { devServiceSecuritySettings, devTokenProviderByPolicy, SERVICE_POLICIES, ensureDevPki, PolicyTable } from '@govern/platform-auth';
import { cpuMsOf, startNodeProgram, waitForLine, type Child } from './processes';

/**
 * The four services as four processes, each started as its team deploys it
 * (`apps/<service>/src/main.ts`, its own fresh database on the shared PostgreSQL, NATS JetStream
 * under an event namespace of this run only), as tools/e2e does. The bench reaches them through
 * their gRPC APIs; it reads their databases only to observe (settled? handled when?) and writes
 * them only to seed fixtures, each write documented where it is made.
 */
export const SERVICES = ['content', 'product-quality', 'merchant-access', 'consumer-experience'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Development key for hashing identity numbers; production sets its own secret. */
const BENCH_IDENTITY_HASH_KEY = 'bench-identity-hash-key-not-a-production-secret';

export interface Platform {
  addresses: PlatformAddresses;
  /** The run's development CA and token-signing key (for bench programs that make their own clients). */
  pkiDir: string;
  clients: PlatformClients;
  /** One pool per service database (observation and fixture seeding). */
  sql: Record<ServiceName, pg.Pool>;
  namespace: string;
  /** CPU ms each service process has used so far. */
  cpuMs(): Record<ServiceName, number | undefined>;
  /** Error lines (pino level ≥ 50) the services have logged so far; `errorsSince(n)` those after the n-th. */
  errorCount(): number;
  errorsSince(mark: number): ServiceError[];
  /** Waits until every outbox is relayed and every durable consumer of this run has nothing pending. */
  quiesce(boundMs?: number): Promise<{ ms: number; quiet: boolean }>;
  logs(service: ServiceName): string;
  stop(): Promise<void>;
}

export interface ServiceError {
  service: ServiceName;
  /** The log message and the error's own message, shortened. */
  text: string;
}

/** The message of a pino error line ("unexpected error in handler: <err.message>"). */
export const errorText = (line: string): string | undefined => {
  if (!/"level":(50|60)\b/.test(line)) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { type?: string; message?: string } };
    const cause = entry.err ? `: ${entry.err.type ?? 'Error'} ${(entry.err.message ?? '').split('\n')[0]}` : '';
    return `${entry.msg ?? ''}${cause}`.slice(0, 200);
  } catch {
    return line.slice(0, 200);
  }
};

/** Keeps the services' error lines (bounded: a failing path must not grow the bench's memory). */
const MAX_ERRORS_KEPT = 5_000;

/**
 * `profileDir`: each service runs with V8's sampling profiler (`--cpu-prof`) and writes a
 * `.cpuprofile` per thread to `<profileDir>/<service>/` when it stops (its main thread's is the one
 * that serves; tsx's module loader runs on a thread of its own). `src/profile-summary.ts` reads them.
 */
export const startPlatform = async (options: { natsUrl: string; profileDir?: string }): Promise<Platform> => {
  const namespace = `bench${uniqueSuffix()}`;
  const databases: Partial<Record<ServiceName, TestDatabase>> = {};
  const programs: Partial<Record<ServiceName, Child>> = {};
  const teardown = async (): Promise<void> => {
    await Promise.all(Object.values(programs).map((p) => p.stop()));
    await Promise.all(Object.values(databases).map((db) => db.drop().catch(() => undefined)));
    await deleteNamespaceStreams(options.natsUrl, namespace).catch(() => undefined);
    await rm(pkiDir, { recursive: true, force: true });
  };
  // TLS and tokens on, as deployed: the bench measures the platform with its trust checks.
  const pkiDir = await mkdtemp(join(tmpdir(), 'govern-bench-pki-'));
  const pki = await ensureDevPki({ dir: pkiDir, services: SERVICES, clients: ['cli'] });
  const addressOf: Partial<Record<ServiceName, string>> = {};
  const errors: ServiceError[] = [];
  let errorTotal = 0;
  try {
    for (const service of SERVICES) databases[service] = await createTestDatabase({ prefix: `bench_${service.replaceAll('-', '_')}` });
    await Promise.all(
      SERVICES.map(async (service) => {
        const spawnedAt = performance.now();
        const program = startNodeProgram(`apps/${service}/src/main.ts`, [], {
          ...process.env,
          HOST: '127.0.0.1',
          PORT: '0',
          DATABASE_URL: databases[service]?.url,
          NATS_URL: options.natsUrl,
          EVENT_NAMESPACE: namespace,
          IDENTITY_HASH_KEY: BENCH_IDENTITY_HASH_KEY,
          LOG_LEVEL: 'info',
          ...devServiceSecuritySettings(pki, service),
        }, options.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, service)}`]);
        programs[service] = program;
        program.onLine((line) => {
          const text = errorText(line);
          if (text === undefined) return;
          errorTotal += 1;
          errors.push({ service, text });
          if (errors.length > MAX_ERRORS_KEPT) errors.shift();
        });
        addressOf[service] = await waitForLine(
          program,
          (line) => (line.includes('"msg":"serving"') ? (JSON.parse(line) as { address: string }).address : undefined),
          service,
        );
        // The profile summary leaves out start-up (module loading) by this mark.
        if (options.profileDir !== undefined) {
          await mkdir(join(options.profileDir, service), { recursive: true });
          await writeFile(join(options.profileDir, service, 'serving.json'), JSON.stringify({ servingAfterMs: performance.now() - spawnedAt }));
        }
      }),
    );
  } catch (error) {
    await teardown();
    throw error;
  }
  const addresses: PlatformAddresses = {
    content: addressOf.content as string,
    productQuality: addressOf['product-quality'] as string,
    merchantAccess: addressOf['merchant-access'] as string,
    consumerExperience: addressOf['consumer-experience'] as string,
  };
  const cli = pki.identity('cli').material;
  // The bench plays every actor: per RPC, the caller the services' tables name for it.
  const clients = connectPlatform(addresses, {
    transport: { mode: 'tls', options: { ca: pki.ca, cert: cli.cert, key: cli.key } },
    token: devTokenProviderByPolicy(pki.signingKeyFile, new PolicyTable(SERVICE_POLICIES), { personPrefix: 'bench' }),
  });
  const sql = Object.fromEntries(SERVICES.map((s) => [s, new pg.Pool({ connectionString: databases[s]?.url, max: 4 })])) as Record<ServiceName, pg.Pool>;
  // An idle connection the shared server drops is replaced on next use, not fatal to the run.
  for (const pool of Object.values(sql)) pool.on('error', () => undefined);
  const nc = await connect({ servers: options.natsUrl, name: 'govern-bench-observer' });
  const jsm = await jetstreamManager(nc);

  const pendingInNats = async (): Promise<number> => {
    let pending = 0;
    for await (const stream of jsm.streams.list()) {
      if (!stream.config.name.startsWith(`${namespace}_`)) continue;
      for await (const consumer of jsm.consumers.list(stream.config.name)) pending += consumer.num_pending + consumer.num_ack_pending;
    }
    return pending;
  };
  const unpublished = async (): Promise<number> => {
    const counts = await Promise.all(
      SERVICES.map((s) => sql[s].query<{ n: string }>(`SELECT count(*)::text AS n FROM outbox_events WHERE published_at IS NULL`).then((r) => Number(r.rows[0]?.n ?? 0))),
    );
    return counts.reduce((a, b) => a + b, 0);
  };

  return {
    addresses,
    pkiDir,
    clients,
    sql,
    namespace,
    cpuMs: () => Object.fromEntries(SERVICES.map((s) => [s, cpuMsOf(programs[s]?.child.pid)])) as Record<ServiceName, number | undefined>,
    errorCount: () => errorTotal,
    errorsSince: (mark) => errors.slice(Math.max(0, errors.length - (errorTotal - mark))),
    async quiesce(boundMs = 60_000) {
      const started = Date.now();
      // Two quiet looks in a row: a consumer's effect may publish a new event just after the first.
      let quietLooks = 0;
      while (Date.now() - started < boundMs) {
        quietLooks = (await unpublished()) === 0 && (await pendingInNats()) === 0 ? quietLooks + 1 : 0;
        if (quietLooks >= 2) return { ms: Date.now() - started, quiet: true };
        await new Promise((r) => setTimeout(r, 200));
      }
      return { ms: Date.now() - started, quiet: false };
    },
    logs: (service) => programs[service]?.log.text() ?? '',
    async stop() {
      clients.close();
      await nc.close();
      await Promise.all(Object.values(sql).map((pool) => pool.end()));
      await teardown();
    },
  };
};
