/**
 * ListingApproved at a trickle, as content sees EvaluateListing's approvals: N approvals published
 * at a steady rate (150/s: the listing gate's rate on this machine, so the catalogue consumer's
 * batches hold one or a few events) onto the bus; the content service (in this process, real PostgreSQL and NATS)
 * handles them. The approvals are published from a child process, so this process's CPU is the
 * service's own (its consumer, and its pollers while the round lasts). Prints that CPU per approval,
 * the statements sent to PostgreSQL per approval and the consumer's batches: at a trickle the
 * consumer's fixed cost per batch is most of what an approval costs.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/content/service/bench/approval-trickle.bench.ts [approvals=1500] [rate=150] [rounds=3] [profile.cpuprofile]
 *
 * With a fourth argument, V8's CPU profile of each round after the first (warm code) is written to
 * `<argument>.round<N>.cpuprofile` (read them with tools/bench/src/profile-summary.ts).
 *
 * Uses only what the service's tests use (startContentForTest, the bus), so the same script
 * measures any version of the consumer. Prints figures only; nothing here asserts timing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListingAction, ListingApprovedEvent, type ListingApproved as Approval } from '@govern/contracts-product-quality';
import { createJetStreamBus, toOutgoing } from '@govern/platform-events';
import { testInfra } from '@govern/platform-testing';
import { roundProfiler, statementsSent } from './bench-kit';
import pino from 'pino';
import { startContentForTest } from '../src/testing/content-test-kit';

const APPROVALS = Number(process.argv[2] ?? 1_500);
const RATE = Number(process.argv[3] ?? 150);
const ROUNDS = Number(process.argv[4] ?? 3);
const PROFILE = process.argv[5];


/** The publishing side (a child process): publishes each round's approvals at its rate, and says when all are acknowledged. */
const publisher = async (natsUrl: string, namespace: string): Promise<void> => {
  const bus = await createJetStreamBus({ natsUrl, namespace, log: pino({ level: 'warn' }) });
  process.on('message', (round: { approvals: Approval[]; rate: number }) => {
    const startedAt = performance.now();
    const publishing: Promise<unknown>[] = [];
    // Paced like an open load: approval i leaves at i / rate seconds, whatever the acks' latency.
    const tick = (): void => {
      const due = Math.min(round.approvals.length, Math.floor(((performance.now() - startedAt) * round.rate) / 1000) + 1);
      while (publishing.length < due) {
        const event = toOutgoing(ListingApprovedEvent, round.approvals[publishing.length] as Approval);
        publishing.push(bus.publish([{ subject: event.subject, eventId: event.eventId, eventType: event.eventType, payload: event.payload }]));
      }
      if (publishing.length < round.approvals.length) setTimeout(tick, 1);
      else void Promise.all(publishing).then(() => process.send?.('published'));
    };
    tick();
  });
  process.send?.('ready');
};

const publishIn = (child: ChildProcess, round: { approvals: Approval[]; rate: number }): Promise<void> =>
  new Promise((resolve) => {
    child.once('message', () => resolve());
    child.send(round);
  });

const main = async (): Promise<void> => {
  const cut = await startContentForTest();
  const { sut } = cut;
  // The servers the service under test was started on (cached by the harness).
  const { natsUrl } = await testInfra();
  const child = fork(process.argv[1] as string, ['--publisher', natsUrl, sut.namespace], {
    execArgv: process.execArgv,
    serialization: 'advanced',
  });
  await new Promise((resolve) => child.once('message', resolve));
  const profiler = roundProfiler(PROFILE);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const merchantId = `m-trickle-${round}`;
      const approvals = Array.from({ length: APPROVALS }, (_, i) => ({
        meta: { eventId: randomUUID(), occurredAt: sut.clock.now(), causationId: `upload-${round}`, correlationId: `upload-${round}` },
        listingId: `l-${round}-${i}`,
        productId: `p-${round}-${i}`,
        merchantId,
        skuId: `sku-${round}-${i}`,
        categoryCode: 'apparel',
        reasons: [],
        policy: { name: 'listing-gate', version: 'bench' },
        evaluationId: `e-${round}-${i}`,
        action: ListingAction.LISTING_ACTION_PUBLISH,
      }));
      await profiler.start(round);
      const before = { cpu: process.cpuUsage(), statements: statementsSent(), at: performance.now() };
      await publishIn(child, { approvals, rate: RATE });
      const ids = approvals.map((a) => a.meta.eventId);
      const handled = `SELECT count(*)::int AS n FROM inbox_events WHERE consumer = 'content_product_catalogue' AND event_id = ANY($1::text[])`;
      for (;;) {
        const [row] = await sut.db.$queryRawUnsafe<{ n: number }[]>(handled, ids);
        if (row && row.n >= APPROVALS) break;
        await sleep(20);
      }
      const cpu = process.cpuUsage(before.cpu);
      await profiler.stop(round);
      const wall = performance.now() - before.at;
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const counted = statementsSent() - before.statements;
      // An inbox row's processed_at is its transaction's start: one time per batch.
      const batches = await sut.db.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM inbox_events WHERE consumer = 'content_product_catalogue' AND event_id = ANY($1::text[]) GROUP BY processed_at`,
        ids,
      );
      const sizes = batches.map((b) => b.n).sort((a, b) => a - b);
      console.info(
        `round ${round + 1}: ${APPROVALS} approvals, at ${RATE}/s, in ${(wall / 1000).toFixed(2)} s; CPU ${(cpuMs / APPROVALS).toFixed(3)} ms/approval; ` +
          `${(counted / APPROVALS).toFixed(2)} statements/approval (${(counted / batches.length).toFixed(2)}/batch); ${batches.length} batches (median ${sizes[Math.floor(sizes.length / 2)]} events, ` +
          `max ${sizes[sizes.length - 1]}); load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      );
    }
  } finally {
    profiler.close();
    child.kill();
    await cut.stop();
  }
};

(process.argv[2] === '--publisher' ? publisher(process.argv[3] as string, process.argv[4] as string) : main()).then(
  () => process.argv[2] !== '--publisher' && process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
