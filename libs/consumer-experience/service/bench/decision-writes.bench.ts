/**
 * Decision writes against this machine's floor (issue 13): RecordOrder and RequestAfterSale (fast
 * refund) over gRPC, the service started as its own process (apps/consumer-experience, as deployed)
 * on the real PostgreSQL and NATS, next to the floor measured in the same run — raw node-postgres
 * transactions of the same shape (BEGIN, one INSERT per table the call writes, COMMIT) on 8
 * connections. Prints one table (calls/s, p50/p99, floor, ratio, goal) and what the database
 * sessions were doing (pg_stat_activity sampled), and writes the same as JSON.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/consumer-experience/service/bench/decision-writes.bench.ts [--seconds 8] [--quick]
 *       [--drop-outbox-notify] [--cpu-prof] [--json tmp/bench/consumer-experience-decision-writes.json]
 *
 * --drop-outbox-notify removes the outbox NOTIFY trigger in the bench database (what the events
 * work does on main), to see the unit of work without the commit-path lock it causes.
 * --cpu-prof writes the service process's CPU profile to tmp/bench/profiles/.
 * Goals (issue 13): calls/s at 64 in flight >= 50% of the same-shape floor; p99 <= 25 ms at half
 * that rate; a hot product's buyers (one product, one merchant) not slower than spread orders.
 * Nothing here asserts: it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  AfterSaleReason,
  AfterSaleType,
  ConsumerExperienceServiceDefinition,
  FastRefundOutcome,
  FulfilmentType,
} from '@govern/contracts-consumer-experience';
import { HealthDefinition } from '@govern/contracts-common';
import { ConsumerExperienceMigrations } from '@govern/consumer-experience-data-access';
import { closeServiceClient, createServiceClient, type ServiceClient } from '@govern/platform-grpc';
import { createTestDatabase, testInfra, uniqueSuffix } from '@govern/platform-testing';

type Client = ServiceClient<ConsumerExperienceServiceDefinition>;

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const QUICK = flag('--quick');
const SECONDS = Number(option('--seconds', QUICK ? '4' : '8'));
const IN_FLIGHT = 64;
const FLOOR_CONNECTIONS = 8;
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const JSON_OUT = option('--json', join(ROOT, 'tmp', 'bench', 'consumer-experience-decision-writes.json'));

// Tables each call writes a row into (the floor does one INSERT per table): RecordOrder writes
// idempotency_keys, orders, outbox_events, scheduled_jobs; a granted fast refund writes
// idempotency_keys, after_sales, after_sale_changes, ledger_transactions, ledger_entries,
// refunds, outbox_events, scheduled_jobs and updates orders (counted as a ninth write).
const SHAPES = { recordOrder: 4, fastRefund: 9 } as const;

/** CPU per call: the bench's client side, the service process, the PostgreSQL backends. */
interface CpuPerCall {
  clientMs: number;
  serviceMs: number;
  postgresMs: number;
}

interface Run {
  calls: number;
  errors: number;
  seconds: number;
  latenciesMs: number[];
  firstError?: string;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

/** Closed loop: `inFlight` workers call back to back for `seconds` (or until `next` runs dry). */
const closedLoop = async (seconds: number, inFlight: number, call: (i: number) => Promise<void> | undefined): Promise<Run> => {
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
const openLoop = async (seconds: number, ratePerSecond: number, call: (i: number) => Promise<void> | undefined): Promise<Run> => {
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

const rate = (run: Run): number => run.calls / run.seconds;

/** The floor: raw node-postgres transactions, BEGIN + `inserts` single-row INSERTs + COMMIT. */
const measureFloor = async (url: string, inserts: number, seconds: number): Promise<Run & { cpu: CpuPerCall }> => {
  const pool = new pg.Pool({ connectionString: url, max: FLOOR_CONNECTIONS, application_name: 'bench-floor' });
  try {
    for (let t = 0; t < inserts; t++) {
      await pool.query(`CREATE TABLE IF NOT EXISTS bench_floor_${t} (
        id text PRIMARY KEY, owner_id text NOT NULL, amount bigint NOT NULL, payload bytea NOT NULL, created_at timestamptz NOT NULL)`);
      await pool.query(`CREATE INDEX IF NOT EXISTS bench_floor_${t}_owner ON bench_floor_${t} (owner_id, created_at)`);
    }
    const payload = Buffer.alloc(200, 7);
    // Open the 8 connections first, so their backends are there to be measured.
    const clients = await Promise.all(Array.from({ length: FLOOR_CONNECTIONS }, () => pool.connect()));
    for (const c of clients) c.release();
    const pids = await backendPids(url, 'bench-floor');
    const pgBefore = pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
    const nodeBefore = process.cpuUsage();
    const run = await closedLoop(seconds, IN_FLIGHT, async (i) => {
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
const sampleSessions = (url: string, applicationName: string) => {
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
const processCpuMs = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0; // the backend ended
  }
};
const backendPids = async (url: string, applicationName: string): Promise<number[]> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
};

/** Commits and row writes in the bench database so far (PostgreSQL's statistics, flushed within a second). */
const databaseCounters = async (url: string): Promise<{ commits: number; rowsWritten: number }> => {
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
const cpuTimes = (): { busy: number; total: number } => {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
};

const startServiceProcess = async (databaseUrl: string, natsUrl: string, cpuProf: boolean): Promise<{ child: ChildProcess; address: string }> => {
  const nodeArgs = ['--import', 'tsx'];
  if (cpuProf) {
    const dir = join(ROOT, 'tmp', 'bench', 'profiles');
    mkdirSync(dir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
  }
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'apps', 'consumer-experience', 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      // eslint-disable-next-line no-restricted-properties -- the app is started as deployed: its settings are its environment
      ...process.env,
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl,
      EVENT_NAMESPACE: `bench${uniqueSuffix()}`,
      PORT: '0',
      DB_POOL_SIZE: String(FLOOR_CONNECTIONS),
      LOG_LEVEL: 'info',
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
  return { child, address };
};

const stopServiceProcess = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
};

interface Row {
  path: string;
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  floor: string;
  ratio: string;
  goal: string;
  met: boolean | null;
}

const rowOf = (path: string, run: Run, extra: Pick<Row, 'floor' | 'ratio' | 'goal' | 'met'>): Row => ({
  path,
  callsPerSecond: Math.round(rate(run)),
  p50Ms: Number(percentile(run.latenciesMs, 50).toFixed(1)),
  p99Ms: Number(percentile(run.latenciesMs, 99).toFixed(1)),
  errors: run.errors,
  ...extra,
});

const orderRequest = (i: number, stamp: string, paidAt: Date, hot: boolean) => ({
  requestId: `${stamp}-order-${i}`,
  orderId: `${stamp}-order-${i}`,
  buyerId: `${stamp}-buyer-${i}`,
  merchantId: hot ? 'merchant-hot' : `merchant-${i % 200}`,
  productId: hot ? 'product-hot' : `product-${i % 500}`,
  skuId: hot ? 'sku-hot' : `sku-${i % 500}`,
  categoryCode: 'home.kitchen',
  attributedContentId: hot ? 'video-hot' : `video-${i % 300}`,
  attributedCreatorId: hot ? 'creator-hot' : `creator-${i % 100}`,
  amountFen: 5_000n + BigInt(i % 100) * 100n,
  paidAt,
  fulfilment: FulfilmentType.FULFILMENT_TYPE_IN_STOCK,
  returnExemptions: [],
});

const main = async (): Promise<void> => {
  const infra = await testInfra();
  const database = await createTestDatabase({ prefix: 'bench_cx', migrationsDir: ConsumerExperienceMigrations });
  if (flag('--drop-outbox-notify')) {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query('DROP TRIGGER IF EXISTS outbox_events_notify ON outbox_events');
    await admin.end();
  }
  const { child, address } = await startServiceProcess(database.url, infra.natsUrl, flag('--cpu-prof'));
  const client: Client = createServiceClient(ConsumerExperienceServiceDefinition, address, { defaultDeadlineMs: 10_000 });
  const rows: Row[] = [];
  const sessions: Record<string, Record<string, number>> = {};
  const cpu: Record<string, number> = {};
  const cpuPerCall: Record<string, CpuPerCall> = {};
  const writesPerCall: Record<string, { commits: number; rowsWritten: number }> = {};
  const measured = async (name: string, phase: () => Promise<Run>): Promise<Run> => {
    // Backends come and go (the pool closes idle ones): count each by what it used during the phase.
    const pgBefore = new Map((await backendPids(database.url, 'consumer-experience')).map((pid) => [pid, processCpuMs(pid)]));
    const serviceBefore = processCpuMs(child.pid ?? 0);
    const nodeBefore = process.cpuUsage();
    const countersBefore = await databaseCounters(database.url);
    const sampler = sampleSessions(database.url, 'consumer-experience');
    const before = cpuTimes();
    const run = await phase();
    const after = cpuTimes();
    const node = process.cpuUsage(nodeBefore);
    const calls = Math.max(1, run.calls);
    const pgAfter = await backendPids(database.url, 'consumer-experience');
    cpuPerCall[name] = {
      clientMs: (node.user + node.system) / 1000 / calls,
      serviceMs: (processCpuMs(child.pid ?? 0) - serviceBefore) / calls,
      postgresMs: pgAfter.reduce((sum, pid) => sum + processCpuMs(pid) - (pgBefore.get(pid) ?? 0), 0) / calls,
    };
    sessions[name] = await sampler.stop();
    // Statistics reach pg_stat_database within a second of a backend going idle.
    await sleep(1_500);
    const countersAfter = await databaseCounters(database.url);
    writesPerCall[name] = {
      commits: Number(((countersAfter.commits - countersBefore.commits) / calls).toFixed(2)),
      rowsWritten: Number(((countersAfter.rowsWritten - countersBefore.rowsWritten) / calls).toFixed(2)),
    };
    cpu[name] = Math.round((100 * (after.busy - before.busy)) / Math.max(1, after.total - before.total));
    if (run.firstError) console.error(`${name}: ${run.errors} errors, first: ${run.firstError}`);
    return run;
  };
  try {
    const paidAt = new Date(Date.now() - 3_600_000);
    const recorded: string[] = [];
    const record = (stamp: string, hot: boolean) => (i: number) =>
      client.recordOrder(orderRequest(i, stamp, paidAt, hot)).then(() => void recorded.push(`${stamp}-order-${i}|${stamp}-buyer-${i}`));
    // Warm-up: JIT, connection pool, prepared plans.
    await closedLoop(QUICK ? 1 : 2, IN_FLIGHT, record('warm', false));

    // The RPC floor of this very service: its stack (HTTP/2, middleware, call log) with no work.
    const health = createServiceClient(HealthDefinition, address, { defaultDeadlineMs: 10_000 });
    const rpcFloor = await measured('Health/Check (no work), 64 in flight', () => closedLoop(SECONDS, IN_FLIGHT, () => health.check({ service: '' }).then(() => undefined)));
    closeServiceClient(health);
    const floorOrder = await measureFloor(database.url, SHAPES.recordOrder, SECONDS);
    const floorRefund = await measureFloor(database.url, SHAPES.fastRefund, SECONDS);

    const spread = await measured('RecordOrder, 64 in flight', () => closedLoop(SECONDS, IN_FLIGHT, record('spread', false)));
    const orderRatio = rate(spread) / rate(floorOrder);
    rows.push(
      rowOf('RecordOrder, 64 in flight', spread, {
        floor: `${Math.round(rate(floorOrder))} tx/s (${SHAPES.recordOrder} inserts)`,
        ratio: `${(100 * orderRatio).toFixed(1)}%`,
        goal: '>= 50%',
        met: orderRatio >= 0.5,
      }),
    );
    const halfOrders = await measured('RecordOrder, half rate', () => openLoop(SECONDS, rate(spread) / 2, record('half', false)));
    rows.push(rowOf(`RecordOrder at ${Math.round(rate(spread) / 2)}/s (half)`, halfOrders, { floor: '', ratio: '', goal: 'p99 <= 25 ms', met: percentile(halfOrders.latenciesMs, 99) <= 25 }));
    const hot = await measured('RecordOrder, one hot product', () => closedLoop(SECONDS, IN_FLIGHT, record('hot', true)));
    const hotRatio = rate(hot) / rate(spread);
    rows.push(
      rowOf('RecordOrder, one hot product, 64 in flight', hot, {
        floor: `spread ${Math.round(rate(spread))}/s`,
        ratio: `${(100 * hotRatio).toFixed(1)}%`,
        goal: '>= 90% of spread',
        met: hotRatio >= 0.9,
      }),
    );

    // Fast refunds on the orders recorded above (one per order, each of its own buyer).
    const orders = [...recorded];
    let granted = 0;
    const refund = (stamp: string) => (_: number) => {
      const next = orders.pop();
      if (!next) return undefined;
      const [orderId, buyerId] = next.split('|') as [string, string];
      return client
        .requestAfterSale({
          requestId: `${stamp}-${orderId}`,
          orderId,
          buyerId,
          type: AfterSaleType.AFTER_SALE_TYPE_REFUND_ONLY,
          reason: AfterSaleReason.AFTER_SALE_REASON_NOT_WANTED_BEFORE_DISPATCH,
          amountFen: 5_000n,
          description: '',
          evidenceRefs: [],
          goodsUnsealed: false,
        })
        .then(({ afterSale }) => {
          if (afterSale?.fastRefund?.outcome === FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED) granted += 1;
        });
    };
    const refunds = await measured('RequestAfterSale fast refund, 64 in flight', () => closedLoop(SECONDS, IN_FLIGHT, refund('refund')));
    const refundRatio = rate(refunds) / rate(floorRefund);
    rows.push(
      rowOf('RequestAfterSale (fast refund), 64 in flight', refunds, {
        floor: `${Math.round(rate(floorRefund))} tx/s (${SHAPES.fastRefund} inserts)`,
        ratio: `${(100 * refundRatio).toFixed(1)}%`,
        goal: '>= 50%',
        met: refundRatio >= 0.5,
      }),
    );
    const halfRefunds = await measured('RequestAfterSale, half rate', () => openLoop(SECONDS, rate(refunds) / 2, refund('half-refund')));
    rows.push(
      rowOf(`RequestAfterSale at ${Math.round(rate(refunds) / 2)}/s (half)`, halfRefunds, { floor: '', ratio: '', goal: 'p99 <= 25 ms', met: percentile(halfRefunds.latenciesMs, 99) <= 25 }),
    );
    const { ledger } = await client.getFundLedger({});

    const floorRows = [
      rowOf('floor: Health/Check of the same service (RPC stack, no work)', rpcFloor, { floor: '', ratio: '', goal: '', met: null }),
      rowOf(`floor: raw pg, ${SHAPES.recordOrder} inserts/tx, ${FLOOR_CONNECTIONS} conns`, floorOrder, { floor: '', ratio: '', goal: '', met: null }),
      rowOf(`floor: raw pg, ${SHAPES.fastRefund} inserts/tx, ${FLOOR_CONNECTIONS} conns`, floorRefund, { floor: '', ratio: '', goal: '', met: null }),
    ];
    const table = [...floorRows, ...rows];
    console.log(`\nconsumer-experience decision writes — ${SECONDS} s per phase, ${IN_FLIGHT} in flight, service pool ${FLOOR_CONNECTIONS} connections`);
    console.table(
      table.map((r) => ({ path: r.path, 'calls/s': r.callsPerSecond, 'p50 ms': r.p50Ms, 'p99 ms': r.p99Ms, errors: r.errors, floor: r.floor, ratio: r.ratio, goal: r.goal, met: r.met === null ? '' : r.met ? 'yes' : 'NO' })),
    );
    console.log(`fast refunds granted: ${granted}; ledger balanced=${ledger?.balanced} (${ledger?.transactionCount} transactions)`);
    const fmt = (c: CpuPerCall) => `client ${c.clientMs.toFixed(2)} ms, service ${c.serviceMs.toFixed(2)} ms, PostgreSQL ${c.postgresMs.toFixed(2)} ms`;
    console.log('\nCPU per call (independent of what else loads the machine):');
    console.log(`  floor, ${SHAPES.recordOrder} inserts/tx: ${fmt(floorOrder.cpu)}`);
    console.log(`  floor, ${SHAPES.fastRefund} inserts/tx: ${fmt(floorRefund.cpu)}`);
    for (const [phase, c] of Object.entries(cpuPerCall)) {
      const w = writesPerCall[phase];
      console.log(`  ${phase}: ${fmt(c)}; ${w?.commits} commits and ${w?.rowsWritten} rows written per call (outbox relay included)`);
    }
    console.log('\nservice database sessions per sample (mean count by state/wait event) and machine CPU busy:');
    for (const [phase, counts] of Object.entries(sessions)) {
      console.log(`  ${phase} (CPU ${cpu[phase]}%): ${Object.entries(counts).map(([what, n]) => `${what} ${n}`).join(', ')}`);
    }
    mkdirSync(dirname(JSON_OUT), { recursive: true });
    writeFileSync(
      JSON_OUT,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          seconds: SECONDS,
          inFlight: IN_FLIGHT,
          dropOutboxNotify: flag('--drop-outbox-notify'),
          rows: table,
          sessions,
          cpuBusyPercent: cpu,
          writesPerCall,
          cpuPerCall: { floorRecordOrderShape: floorOrder.cpu, floorFastRefundShape: floorRefund.cpu, ...cpuPerCall },
          fastRefundsGranted: granted,
          ledgerBalanced: ledger?.balanced ?? false,
        },
        null,
        2,
      ),
    );
    console.log(`\nwritten: ${JSON_OUT}`);
  } finally {
    closeServiceClient(client);
    await stopServiceProcess(child);
    await database.drop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
