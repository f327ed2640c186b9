import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, deleteNamespaceStreams, testInfra, uniqueSuffix, type TestDatabase } from '@govern/platform-testing';
import { connectPlatform, type PlatformAddresses, type PlatformClients } from '@govern/platform-clients';

/**
 * The four services as four separate processes, each started the way its team deploys
 * it (`tsx apps/<service>/src/main.ts` with its own database), talking over real gRPC
 * and NATS JetStream. Each run has its own databases and event namespace.
 */
const root = join(import.meta.dirname, '..', '..', '..');

export const SERVICE_NAMES = ['content', 'product-quality', 'merchant-access', 'consumer-experience'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface PlatformUnderTest {
  addresses: PlatformAddresses;
  clients: PlatformClients;
  /** Direct read access to each service's database, for assertions only. */
  sql: Record<ServiceName, pg.Pool>;
  /** The event namespace of this run (stream names are `<namespace>_GOVERN_*`). */
  namespace: string;
  logs(service: ServiceName): string;
  stop(): Promise<void>;
}

/**
 * consumer-experience reports service metrics at the end of each period (15 minutes in
 * production); the platform under test reports every few seconds so cascade 4 settles quickly.
 */
export const METRICS_REPORT_PERIOD_MS = 3_000;

/** Development key for hashing identity numbers in tests; production sets its own secret. */
const TEST_IDENTITY_HASH_KEY = 'e2e-identity-hash-key-not-a-production-secret';

const startProcess = (service: ServiceName, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; address: string; output: string[] }> =>
  new Promise((resolve, reject) => {
    // `node --import tsx` rather than the tsx CLI: signals reach the service itself (the CLI relays
    // them through a short handshake that a busy machine can miss), so SIGTERM tests the real drain.
    const child = spawn(process.execPath, ['--import', 'tsx', `apps/${service}/src/main.ts`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const timer = setTimeout(() => reject(new Error(`${service} did not start within 90 s:\n${output.join('')}`)), 90_000);
    let pending = '';
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"msg":"serving"')) {
          clearTimeout(timer);
          resolve({ child, address: (JSON.parse(line) as { address: string }).address, output });
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${service} exited with ${code} before serving:\n${output.join('')}`));
    });
  });

/** Where the platform runs: the shared servers by default; fault tests give their own (to kill) and extra settings. */
export interface PlatformOptions {
  natsUrl?: string;
  adminDatabaseUrl?: string;
  env?: Record<string, string>;
}

export const startPlatformProcesses = async (options: PlatformOptions = {}): Promise<PlatformUnderTest> => {
  const shared = await testInfra();
  const infra = { natsUrl: options.natsUrl ?? shared.natsUrl };
  const namespace = `e2e${uniqueSuffix()}`;
  const databases = {} as Record<ServiceName, TestDatabase>;
  const processes = {} as Record<ServiceName, { child: ChildProcess; address: string; output: string[] }>;
  const stop = async (): Promise<void> => {
    await Promise.all(
      Object.values(processes).map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      ),
    );
    await Promise.all(Object.values(databases).map((db) => db.drop()));
    await deleteNamespaceStreams(infra.natsUrl, namespace);
  };
  try {
    for (const service of SERVICE_NAMES) {
      const prefix = `e2e_${service.replaceAll('-', '_')}`;
      databases[service] = await createTestDatabase(options.adminDatabaseUrl ? { prefix, adminDatabaseUrl: options.adminDatabaseUrl } : { prefix });
    }
    const started = await Promise.all(
      SERVICE_NAMES.map((service) =>
        startProcess(service, {
          ...process.env,
          HOST: '127.0.0.1',
          PORT: '0',
          DATABASE_URL: databases[service].url,
          NATS_URL: infra.natsUrl,
          EVENT_NAMESPACE: namespace,
          IDENTITY_HASH_KEY: TEST_IDENTITY_HASH_KEY,
          METRICS_REPORT_PERIOD_MS: String(METRICS_REPORT_PERIOD_MS),
          LOG_LEVEL: 'info',
          ...options.env,
        }),
      ),
    );
    SERVICE_NAMES.forEach((service, i) => {
      const running = started[i];
      if (running) processes[service] = running;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const addresses: PlatformAddresses = {
    content: processes.content.address,
    productQuality: processes['product-quality'].address,
    merchantAccess: processes['merchant-access'].address,
    consumerExperience: processes['consumer-experience'].address,
  };
  const clients = connectPlatform(addresses);
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
    logs: (service) => processes[service].output.join(''),
    async stop() {
      clients.close();
      await Promise.all(Object.values(sql).map((pool) => pool.end()));
      await stop();
      // E2E_LOG_DIR=<dir> keeps each service's log of the run (for diagnosing a failed cascade).
      const logDir = process.env['E2E_LOG_DIR'];
      if (logDir) {
        mkdirSync(logDir, { recursive: true });
        for (const service of SERVICE_NAMES) writeFileSync(join(logDir, `${service}.log`), processes[service].output.join(''));
      }
    },
  };
};

/** Polls until `check` returns a value (not undefined) or the bound passes; returns it and the time taken. */
export const settle = async <T>(what: string, check: () => Promise<T | undefined>, boundMs = 30_000): Promise<{ value: T; ms: number }> => {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return { value, ms: Date.now() - started };
    if (Date.now() - started > boundMs) throw new Error(`${what} did not settle within ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
