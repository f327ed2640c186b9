import { AfterSaleReason, AfterSaleType, consumerExperiencePolicy, type RequestAfterSaleRequest } from '@govern/contracts-consumer-experience';
/**
 * Measuring helpers of the consumer-experience benches: closed and open load loops, the raw
 * node-postgres floor, CPU time of processes and PostgreSQL backends from /proc, what the sessions
 * wait on (pg_stat_activity), and the service started as its own process. Nothing here asserts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { devServiceSecuritySettings, PolicyTable } from '@govern/platform-auth';
import { testClientCredentials, testPki, type TestClientCredentials } from '@govern/platform-service-testing';
import { uniqueSuffix } from '@govern/platform-testing';

/** CPU per call: the bench's client side, the service process, the PostgreSQL backends. */
export interface CpuPerCall {
  clientMs: number;
  serviceMs: number;
  postgresMs: number;
}

export interface Run {
  calls: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
  firstError?: string;
}

/** The after-sale the benches request: a buyer who no longer wants a 5,000 fen order before dispatch (a fast refund). */
export const preDispatchRefundRequest = (requestId: string, orderId: string, buyerId: string): RequestAfterSaleRequest => ({
  requestId,
  orderId,
  buyerId,
  type: AfterSaleType.AFTER_SALE_TYPE_REFUND_ONLY,
  reason: AfterSaleReason.AFTER_SALE_REASON_NOT_WANTED_BEFORE_DISPATCH,
  amountFen: 5_000n,
  description: '',
  evidenceRefs: [],
  goodsUnsealed: false,
});

export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

/**
 * One phase of an in-process bench (the service runs in the bench's process, as the test fixture
 * starts it): `call` for each of the first `warmUp` items one by one, unmeasured, then for the rest
 * `inFlight` at a time; prints the process's CPU per measured call (service and client together)
 * and the rate.
 */
export const printInProcessPhase = async <T>(name: string, items: readonly T[], call: (item: T) => Promise<unknown>, options: { warmUp: number; inFlight: number }): Promise<void> => {
  for (const item of items.slice(0, options.warmUp)) await call(item);
  const measured = items.slice(options.warmUp);
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.inFlight }, async () => {
      while (next < measured.length) await call(measured[next++] as T);
    }),
  );
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    `${name} x${measured.length}, ${options.inFlight} in flight: ${((cpu.user + cpu.system) / 1000 / measured.length).toFixed(3)} ms CPU/call (service + client, one process), ` +
      `${(measured.length / (elapsedMs / 1000)).toFixed(0)} calls/s; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
};

/** Closed loop: `inFlight` workers call back to back for `seconds` (or until `next` runs dry). */
export const closedLoop = async (seconds: number, inFlight: number, call: (i: number) => Promise<void> | undefined): Promise<Run> => {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let issued = 0;
  let dry = false;
  const started = performance.now();
  const until = started + seconds * 1_000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (!dry && performance.now() < until) {
        const t0 = performance.now();
        const pending = call(issued++);
        if (!pending) {
          dry = true;
          return;
        }
        try {
          await pending;
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors += 1;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1_000;
  return { calls: latencies.length, errors, seconds: elapsed, latenciesMs: latencies.sort((a, b) => a - b), ...(firstError ? { firstError } : {}) };
};

/**
 * Open loop at a fixed rate (calls do not wait for each other). Latency counts from when a call
 * was due, so a stalled client or server shows in the figures (no coordinated omission).
 */
export const openLoop = async (seconds: number, ratePerSecond: number, call: (i: number) => Promise<void> | undefined): Promise<Run> => {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const total = Math.max(1, Math.floor(seconds * ratePerSecond));
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1_000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const promise = call(i);
    if (!promise) break;
    pending.push(
      promise.then(
        () => void latencies.push(performance.now() - due),
        (error: unknown) => {
          errors += 1;
          firstError ??= (error as Error).message;
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1_000;
  return { calls: latencies.length, errors, seconds: elapsed, latenciesMs: latencies.sort((a, b) => a - b), ...(firstError ? { firstError } : {}) };
};

export const rate = (run: Run): number => run.calls / run.seconds;

/** The floor: raw node-postgres transactions, BEGIN + `inserts` single-row INSERTs + COMMIT. */
export const measureFloor = async (
  url: string,
  inserts: number,
  seconds: number,
  options: { connections: number; inFlight: number },
): Promise<Run & { cpu: CpuPerCall }> => {
  const pool = new pg.Pool({ connectionString: url, max: options.connections, application_name: 'bench-floor' });
  try {
    for (let t = 0; t < inserts; t++) {
      await pool.query(`CREATE TABLE IF NOT EXISTS bench_floor_${t} (
        id text PRIMARY KEY, owner_id text NOT NULL, amount bigint NOT NULL, payload bytea NOT NULL, created_at timestamptz NOT NULL)`);
      await pool.query(`CREATE INDEX IF NOT EXISTS bench_floor_${t}_owner ON bench_floor_${t} (owner_id, created_at)`);
    }
    const payload = Buffer.alloc(200, 7);
    // Open the 8 connections first, so their backends are there to be measured.
    const clients = await Promise.all(Array.from({ length: options.connections }, () => pool.connect()));
    for (const c of clients) c.release();
    const pids = await backendPids(url, 'bench-floor');
    const pgBefore = pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    const nodeBefore = process.cpuUsage();
    const run = await closedLoop(seconds, options.inFlight, async (i) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (let t = 0; t < inserts; t++) {
          await client.query(`INSERT INTO bench_floor_${t} (id, owner_id, amount, payload, created_at) VALUES ($1, $2, $3, $4, now())`, [
            randomUUID(),
            `owner-${i % 500}`,
            i,
            payload,
          ]);
        }
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    });
    const node = process.cpuUsage(nodeBefore);
    const calls = Math.max(1, run.calls);
    return {
      ...run,
      cpu: { clientMs: (node.user + node.system) / 1000 / calls, serviceMs: 0, postgresMs: (pids.reduce((sum, pid) => sum + processCpuMs(pid), 0) - pgBefore) / calls },
    };
  } finally {
    await pool.end();
  }
};

/** What the service's database sessions were doing, sampled every 20 ms while a phase ran. */
export const sampleSessions = (url: string, applicationName: string) => {
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const client = new pg.Client({ connectionString: url, application_name: 'bench-sampler' });
  const loop = (async () => {
    await client.connect();
    while (!stopped) {
      const { rows } = await client.query<{ what: string }>(
        `SELECT CASE WHEN state = 'active' THEN 'active ' || coalesce(wait_event_type || ':' || wait_event, 'on CPU')
                     ELSE state || coalesce(' ' || wait_event, '') END AS what
           FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
        [applicationName],
      );
      samples += 1;
      for (const row of rows) counts.set(row.what, (counts.get(row.what) ?? 0) + 1);
      await sleep(20);
    }
    await client.end();
  })();
  return {
    async stop(): Promise<Record<string, number>> {
      stopped = true;
      await loop;
      // Mean number of sessions in each state per sample.
      return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([what, n]) => [what, Number((n / Math.max(1, samples)).toFixed(2))]));
    },
  };
};

/**
 * CPU time of processes (user + system, ms) from /proc: the service process and the PostgreSQL
 * backends serving a pool. Per call, it says what a call costs whatever else loads the machine
 * (throughput on a shared 2-core machine does not).
 */
const TICK_MS = 10; // CLK_TCK is 100 on Linux
export const processCpuMs = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0; // the backend ended
  }
};
export const backendPids = async (url: string, applicationName: string): Promise<number[]> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`, [applicationName]);
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
};

/** Commits and row writes in the bench database so far (PostgreSQL's statistics, flushed within a second). */
export const databaseCounters = async (url: string): Promise<{ commits: number; rowsWritten: number }> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ commits: string; written: string }>(
      `SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS written FROM pg_stat_database WHERE datname = current_database()`,
    );
    return { commits: Number(rows[0]?.commits ?? 0), rowsWritten: Number(rows[0]?.written ?? 0) };
  } finally {
    await client.end();
  }
};

/** Share of the machine's CPU time that was busy between two readings of /proc/stat. */
export const cpuTimes = (): { busy: number; total: number } => {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
};

export const startServiceProcess = async (
  root: string,
  settings: { databaseUrl: string; natsUrl: string; poolSize: number; cpuProf: boolean; /** A bench that publishes to the service names it; a fresh one by default. */ namespace?: string },
): Promise<{ child: ChildProcess; address: string; credentials: TestClientCredentials }> => {
  // TLS and tokens on, as deployed: the service's certificate from the test CA, dev tokens per RPC.
  const pki = await testPki();
  const credentials = testClientCredentials(pki, {}, new PolicyTable([consumerExperiencePolicy]));
  const nodeArgs = ['--import', 'tsx'];
  if (settings.cpuProf) {
    const dir = join(root, 'tmp', 'bench', 'profiles');
    mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const child = spawn(process.execPath, [...nodeArgs, join(root, 'apps', 'consumer-experience', 'src', 'main.ts')], {
    cwd: root,
    env: {
      // eslint-disable-next-line no-restricted-properties -- the app is started as deployed: its settings are its environment
      ...process.env,
      DATABASE_URL: settings.databaseUrl,
      NATS_URL: settings.natsUrl,
      EVENT_NAMESPACE: settings.namespace ?? `bench${uniqueSuffix()}`,
      PORT: '0',
      DB_POOL_SIZE: String(settings.poolSize),
      LOG_LEVEL: 'info',
      ...devServiceSecuritySettings(pki, 'consumer-experience'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const address = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string; level?: number };
        if (entry.msg === 'serving' && entry.address) resolve(entry.address);
        else if ((entry.level ?? 0) >= 50) process.stderr.write(`service: ${line}\n`);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`service exited with ${code} before serving`)));
  });
  return { child, address, credentials };
};

export const stopServiceProcess = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
};
