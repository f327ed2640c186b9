/**
 * Where a decision write's cost goes, path by path, on this machine: the same RecordOrder-shaped
 * write (idempotency claim and answer, the order row, one outbox event, two durable jobs) done
 *  A. as before the unit of work: Prisma's interactive transaction, model calls, one round trip each;
 *  B. in Prisma's transaction with plain SQL through $executeRawUnsafe;
 *  C. in the platform's transaction (runTransaction) without pipelining;
 *  D. in the platform's unit of work as RecordOrder runs it now (claim and order insert pipelined
 *     with BEGIN, effects and answer in one statement pipelined with COMMIT);
 *  E. raw node-postgres: BEGIN, four INSERTs, COMMIT (the floor of issue 13).
 * For each: transactions/s at 8 connections, and CPU per transaction in this process and in the
 * PostgreSQL backends (read from /proc, so it holds whatever else loads the machine).
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/consumer-experience/service/bench/transaction-paths.bench.ts [seconds=5]
 *
 * Prints figures only; nothing here asserts timing.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { OrderRecordedEvent, RecordOrderRequest, RecordOrderResponse } from '@govern/contracts-consumer-experience';
import { connectConsumerExperienceDatabase, ConsumerExperienceMigrations, type ConsumerExperienceTx } from '@govern/consumer-experience-data-access';
import { fingerprintOf, runIdempotent, runInTransaction, runTransaction, scheduleJobs, sql } from '@govern/platform-db';
import { appendToOutbox, toOutgoing } from '@govern/platform-events';
import { createUnitsOfWork, newEventMeta, UnitOfWork } from '@govern/platform-runtime';
import { createTestDatabase } from '@govern/platform-testing';
import { randomIds, systemClock } from '@govern/policy-core';
import { insertOrder } from '../src/adapters/orders.repository';
import { processCpuMs } from './bench-kit';
import { orderToProto } from '../src/mapping/to-proto';

const SECONDS = Number(process.argv[2] ?? 5);
const CONNECTIONS = 8;


const main = async (): Promise<void> => {
  const database = await createTestDatabase({ prefix: 'bench_paths', migrationsDir: ConsumerExperienceMigrations });
  // The trigger's NOTIFY serialises commits (issue 13) whatever the path; it is measured apart.
  const conn = connectConsumerExperienceDatabase({ connectionString: database.url, poolSize: CONNECTIONS });
  await conn.pool.query('DROP TRIGGER IF EXISTS outbox_events_notify ON outbox_events');
  await conn.pool.query(`CREATE TABLE floor_a (id text PRIMARY KEY, v text)`);
  for (const t of ['b', 'c', 'd']) await conn.pool.query(`CREATE TABLE floor_${t} (id text PRIMARY KEY, v text)`);
  const db = conn.client;
  const ids = randomIds;
  const units = createUnitsOfWork<ConsumerExperienceTx>({ database: conn, clock: systemClock, ids });
  const paidAt = new Date(Date.now() - 3_600_000);
  const orderOf = (id: string) => ({
    orderId: id,
    buyerId: `buyer-${id}`,
    merchantId: 'merchant-1',
    productId: 'product-1',
    skuId: 'sku-1',
    categoryCode: 'home.kitchen',
    contentId: null,
    creatorId: null,
    amountFen: 5_000n,
    paidAt,
    fulfilment: 'IN_STOCK',
    promisedDispatchAt: null,
    dispatchDueAt: new Date(paidAt.getTime() + 48 * 3_600_000),
    returnExemptions: [],
    promiseReasons: [],
    promisePolicyName: 'consumer-promise',
    promisePolicyVersion: '1',
    newBuyer: false,
    newBuyerPolicyVersion: null,
    now: new Date(),
  });
  const requestOf = (id: string) =>
    RecordOrderRequest.fromPartial({ requestId: id, orderId: id, buyerId: `buyer-${id}`, merchantId: 'merchant-1', productId: 'product-1', paidAt });
  const eventOf = (id: string, meta: ReturnType<typeof newEventMeta>) =>
    toOutgoing(OrderRecordedEvent, { ...OrderRecordedEvent.codec.decode(new Uint8Array()), orderId: id, meta });
  const jobsOf = (id: string) => [
    { kind: 'DISPATCH_DEADLINE', key: id, dueAt: new Date(Date.now() + 48 * 3_600_000) },
    { kind: 'REPORT_PRODUCT_STATS', key: `product-1@${Math.floor(Date.now() / 900_000)}`, dueAt: new Date(Date.now() + 900_000) },
  ];

  const paths: Record<string, () => Promise<unknown>> = {
    'A. Prisma transaction, model calls (before)': () => {
      const id = randomUUID();
      const request = requestOf(id);
      return runInTransaction(db, (tx) =>
        runIdempotent(tx, { scope: 'bench.A', requestId: id, fingerprint: fingerprintOf(RecordOrderRequest.encode(request).finish()) }, async () => {
          await tx.merchantStanding.findUnique({ where: { merchantId: 'merchant-1' } });
          await tx.order.findUnique({ where: { orderId: id }, select: { orderId: true } });
          const { now, ...order } = orderOf(id);
          await tx.order.create({ data: { ...order, status: 'PAID', createdAt: now, updatedAt: now } });
          await scheduleJobs(tx, jobsOf(id));
          await appendToOutbox(tx, [eventOf(id, newEventMeta({ clock: systemClock, ids }, { causationId: id }))]);
          const row = await tx.order.findUniqueOrThrow({ where: { orderId: id }, include: { shipments: { where: { kind: 'FORWARD' } } } });
          const { shipments, ...stored } = row;
          return RecordOrderResponse.encode({ order: orderToProto(stored, shipments[0]) }).finish();
        }),
      );
    },
    'B. Prisma transaction, plain SQL one by one': () => {
      const id = randomUUID();
      return runInTransaction(db, async (tx) => {
        const run = (s: { text: string; values: readonly unknown[] }) => tx.$executeRawUnsafe(s.text, ...s.values);
        await run(sql`INSERT INTO idempotency_keys (scope, request_id, fingerprint) VALUES ('bench.B', ${id}, 'f') ON CONFLICT DO NOTHING`);
        const o = orderOf(id);
        await run(sql`INSERT INTO orders (order_id, buyer_id, merchant_id, product_id, sku_id, category_code, amount_fen, paid_at, fulfilment, dispatch_due_at,
                                          status, promise_reasons, promise_policy_name, promise_policy_version, created_at, updated_at)
                      VALUES (${id}, ${o.buyerId}, ${o.merchantId}, ${o.productId}, ${o.skuId}, ${o.categoryCode}, ${o.amountFen}, ${o.paidAt}::timestamptz,
                              'IN_STOCK', ${o.dispatchDueAt}::timestamptz, 'PAID', '[]', 'p', '1', now(), now())`);
        await scheduleJobs(tx, jobsOf(id));
        await appendToOutbox(tx, [eventOf(id, newEventMeta({ clock: systemClock, ids }, { causationId: id }))]);
        await run(sql`UPDATE idempotency_keys SET response = '\\x00' WHERE scope = 'bench.B' AND request_id = ${id}`);
      });
    },
    'C. platform transaction, not pipelined': () => recordViaUnit('bench.C', false),
    'D. platform unit of work, pipelined (RecordOrder now)': () => recordViaUnit('bench.D', true),
    'E. floor: raw pg, BEGIN + 4 INSERT + COMMIT': async () => {
      const client = await conn.pool.connect();
      try {
        await client.query('BEGIN');
        for (const t of ['a', 'b', 'c', 'd']) await client.query(`INSERT INTO floor_${t} (id, v) VALUES ($1, $2)`, [randomUUID(), 'value']);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
  };

  const refused = (why: string): Error => new Error(`order refused: ${why}`);

  async function recordViaUnit(scope: string, pipelined: boolean): Promise<unknown> {
    const id = randomUUID();
    const request = requestOf(id);
    if (pipelined) {
      return units.mutation({ scope, request, requestCodec: RecordOrderRequest, responseCodec: RecordOrderResponse }, async (unit) => {
        const recorded = insertOrder(unit.sql, orderOf(id), refused);
        unit.emit(OrderRecordedEvent, { ...OrderRecordedEvent.codec.decode(new Uint8Array()), orderId: id });
        for (const job of jobsOf(id)) unit.schedule(job);
        return { order: orderToProto(recorded, null) };
      });
    }
    return runTransaction(
      conn,
      async (t) => {
        await t.sql.query(sql`INSERT INTO idempotency_keys (scope, request_id, fingerprint) VALUES (${scope}, ${id}, 'f') ON CONFLICT DO NOTHING RETURNING true`);
        insertOrder(t.sql, orderOf(id), refused);
        const unit = new UnitOfWork({ transaction: t, clock: systemClock, ids, cause: { causationId: id } });
        unit.emit(OrderRecordedEvent, { ...OrderRecordedEvent.codec.decode(new Uint8Array()), orderId: id });
        for (const job of jobsOf(id)) unit.schedule(job);
        unit.flush({ scope, requestId: id, response: new Uint8Array([0]) });
        await t.settle();
      },
      { pipelined: false },
    );
  }

  try {
    console.log(`RecordOrder-shaped write, ${CONNECTIONS} connections, 32 in flight, ${SECONDS} s per path`);
    for (const [name, path] of Object.entries(paths)) {
      // Warm up (connections, JIT, Prisma's query plans), then measure.
      for (let i = 0; i < 50; i++) await path();
      const backends = async () =>
        (await conn.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'consumer-experience' AND datname = current_database()`)).rows.map(
          (r) => r.pid,
        );
      // Backends the pool opens during the run count from zero.
      const pgBefore = new Map((await backends()).map((pid) => [pid, processCpuMs(pid)]));
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      let done = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (performance.now() - started < SECONDS * 1_000) {
            await path();
            done += 1;
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1_000;
      const cpu = process.cpuUsage(cpuBefore);
      const pgMs = (await backends()).reduce((sum, pid) => sum + processCpuMs(pid) - (pgBefore.get(pid) ?? 0), 0);
      console.log(
        `  ${name.padEnd(56)} ${String(Math.round(done / elapsed)).padStart(6)} tx/s   node ${((cpu.user + cpu.system) / 1_000 / done).toFixed(3)} ms/tx   PostgreSQL ${(pgMs / done).toFixed(3)} ms/tx`,
      );
    }
  } finally {
    await conn.close();
    await database.drop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
