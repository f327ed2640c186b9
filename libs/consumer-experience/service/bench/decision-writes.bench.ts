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
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ConsumerExperienceServiceDefinition, FastRefundOutcome, FulfilmentType } from '@govern/contracts-consumer-experience';
import { HealthDefinition } from '@govern/contracts-common';
import { ConsumerExperienceMigrations } from '@govern/consumer-experience-data-access';
import { closeServiceClient, createServiceClient, type ServiceClient } from '@govern/platform-grpc';
import { createTestDatabase, deleteNamespaceStreams, testInfra, uniqueSuffix } from '@govern/platform-testing';
import {
  backendPids,
  closedLoop,
  cpuTimes,
  databaseCounters,
  measureFloor,
  openLoop,
  percentile,
  preDispatchRefundRequest,
  processCpuMs,
  rate,
  sampleSessions,
  startServiceProcess,
  stopServiceProcess,
  type CpuPerCall,
  type Run,
} from './bench-kit';

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
  // The service's streams live under a namespace of this run, deleted when it ends (as the database is).
  const namespace = `bench${uniqueSuffix()}`;
  const { child, address, credentials } = await startServiceProcess(ROOT, { databaseUrl: database.url, natsUrl: infra.natsUrl, poolSize: FLOOR_CONNECTIONS, cpuProf: flag('--cpu-prof'), namespace });
  const client: Client = createServiceClient(ConsumerExperienceServiceDefinition, address, { defaultDeadlineMs: 10_000, ...credentials });
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
    const health = createServiceClient(HealthDefinition, address, { defaultDeadlineMs: 10_000, transport: credentials.transport });
    const rpcFloor = await measured('Health/Check (no work), 64 in flight', () => closedLoop(SECONDS, IN_FLIGHT, () => health.check({ service: '' }).then(() => undefined)));
    closeServiceClient(health);
    const floorOrder = await measureFloor(database.url, SHAPES.recordOrder, SECONDS, { connections: FLOOR_CONNECTIONS, inFlight: IN_FLIGHT });
    const floorRefund = await measureFloor(database.url, SHAPES.fastRefund, SECONDS, { connections: FLOOR_CONNECTIONS, inFlight: IN_FLIGHT });

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
        .requestAfterSale(preDispatchRefundRequest(`${stamp}-${orderId}`, orderId, buyerId))
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
    // A NATS that went away must not keep the database from being dropped.
    await deleteNamespaceStreams(infra.natsUrl, namespace).catch(() => undefined);
    await database.drop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
