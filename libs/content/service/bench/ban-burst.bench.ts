/**
 * A merchant's removal as content sees it: N ProductBanned events (products no item sells, as in
 * the suite's ProductBanned burst) published at once onto the bus; the content service (in this
 * process, real PostgreSQL and NATS) handles them. Prints the handling rate (first to last inbox
 * row), this process's CPU per event (the service's consumer plus the publishing, the same work in
 * any version), the CPU of the PostgreSQL backends serving its database (the server on this machine),
 * the statements sent to PostgreSQL per event and the consumer's batches (how many
 * events each, the time from one to the next): on a shared, loaded machine CPU and statements per
 * event move far less than the rate.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/content/service/bench/ban-burst.bench.ts [bans=2000] [rounds=3] [profile.cpuprofile]
 *
 * With a third argument, V8's CPU profile of each burst after the first round's (warm code; from the
 * first publish to the last event handled, not the approvals that set the round up) is written to
 * `<argument>.round<N>.cpuprofile` (read them with tools/bench/src/profile-summary.ts).
 *
 * Uses only what the service's tests use (startContentForTest, the bus), so the same script
 * measures any version of the consumer. Prints figures only; nothing here asserts timing.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BanCause, ProductBannedEvent } from '@govern/contracts-product-quality';
import { roundProfiler, statementsSent } from './bench-kit';
import { approveListings, startContentForTest } from '../src/testing/content-test-kit';

const BANS = Number(process.argv[2] ?? 2_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const PROFILE = process.argv[4];


/** CPU ms PostgreSQL's backends serving this database have used so far (from /proc; the server runs on this machine). */
const databaseCpuMs = async (db: { $queryRawUnsafe<T>(query: string): Promise<T> }): Promise<number> => {
  const backends = await db.$queryRawUnsafe<{ pid: number }[]>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const ticks = await Promise.all(
    backends.map(async ({ pid }) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      // utime and stime: fields 14 and 15, counted after the ")" that ends the command name.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    }),
  );
  return (ticks.reduce((a, b) => a + b, 0) * 1000) / CLOCK_TICKS_PER_SECOND;
};
/** Linux's USER_HZ, the unit of /proc/<pid>/stat's times. */
const CLOCK_TICKS_PER_SECOND = 100;

const main = async (): Promise<void> => {
  const cut = await startContentForTest();
  const { sut } = cut;
  const profiler = roundProfiler(PROFILE);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const merchantId = `m-burst-${round}`;
      const products = Array.from({ length: BANS }, (_, i) => ({ productId: `p-${round}-${i}`, merchantId }));
      await approveListings(cut, products);
      await profiler.start(round);
      const databaseCpuBefore = await databaseCpuMs(sut.db);
      const before = { cpu: process.cpuUsage(), databaseCpuMs: databaseCpuBefore, statements: statementsSent(), at: performance.now() };
      const bans = products.map((p) => ({
        meta: { eventId: randomUUID(), occurredAt: sut.clock.now(), causationId: `removal-${round}`, correlationId: `removal-${round}` },
        productId: p.productId,
        merchantId,
        skuId: `sku-${p.productId}`,
        categoryCode: 'kitchen',
        cause: BanCause.BAN_CAUSE_MERCHANT_REMOVED,
        reasons: [{ code: 'MERCHANT.REMOVED', message: 'merchant removed', evidence: {}, weight: 0 }],
        banId: `ban-${p.productId}`,
        policy: { name: 'bans', version: 'bench' },
        sourceRef: `removal-${round}`,
        bannedAt: sut.clock.now(),
      }));
      for (let i = 0; i < bans.length; i += 256) await Promise.all(bans.slice(i, i + 256).map((ban) => sut.publish(ProductBannedEvent, ban)));
      const span = `SELECT count(*)::int AS n, extract(epoch FROM max(processed_at) - min(processed_at)) * 1000 AS ms FROM inbox_events
                     WHERE consumer = 'content_product_catalogue' AND subject = $1 AND event_id = ANY($2::text[])`;
      const ids = bans.map((b) => b.meta.eventId);
      let done: { n: number; ms: number } | undefined;
      while (!done) {
        const [row] = await sut.db.$queryRawUnsafe<{ n: number; ms: number }[]>(span, ProductBannedEvent.subject, ids);
        if (row && row.n >= BANS) done = row;
        else await sleep(20);
      }
      const cpu = process.cpuUsage(before.cpu);
      await profiler.stop(round);
      const wall = performance.now() - before.at;
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const counted = statementsSent() - before.statements;
      const databaseMs = (await databaseCpuMs(sut.db)) - before.databaseCpuMs;
      // An inbox row's processed_at is its transaction's start: one time per batch, so the batches'
      // sizes and the time from one batch's start to the next show whether the consumer waited for
      // events (small batches) or the events for the consumer (full batches, the gap its time per batch).
      const batches = await sut.db.$queryRawUnsafe<{ n: number; gap_ms: number | null }[]>(
        `SELECT count(*)::int AS n, extract(epoch FROM processed_at - lag(processed_at) OVER (ORDER BY processed_at)) * 1000 AS gap_ms
           FROM inbox_events WHERE consumer = 'content_product_catalogue' AND subject = $1 AND event_id = ANY($2::text[])
          GROUP BY processed_at ORDER BY processed_at`,
        ProductBannedEvent.subject,
        ids,
      );
      const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
      const gaps = batches.flatMap((b) => (b.gap_ms === null ? [] : [Number(b.gap_ms)]));
      console.info(
        `round ${round + 1}: ${BANS} bans handled at ${Math.round(((BANS - 1) * 1000) / Number(done.ms))} events/s (first to last), ` +
          `${(wall / 1000).toFixed(2)} s publish → last; CPU ${(cpuMs / BANS).toFixed(3)} ms/event, PostgreSQL ${(databaseMs / BANS).toFixed(3)} ms/event; ` +
          `${(counted / BANS).toFixed(2)} statements/event; ${batches.length} batches (median ${median(batches.map((b) => b.n))} events, ` +
          `${median(gaps).toFixed(1)} ms from one to the next); load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      );
    }
  } finally {
    profiler.close();
    await cut.stop();
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
