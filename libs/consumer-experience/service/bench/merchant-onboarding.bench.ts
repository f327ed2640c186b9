/**
 * The merchant standing consumer's cost per MerchantOnboarded (issue 13): the service started as its
 * own process (apps/consumer-experience, as deployed) on the real PostgreSQL and NATS; onboardings
 * published on merchant-access's stream at a steady rate (each carrying a deposit minimum, as
 * merchant-access's approvals do), so they arrive a few at a time as SubmitApplication sends them.
 * Prints the service process's CPU per event (from /proc) from the first publish until every event
 * is in the inbox, beside its idle CPU over as long (its pollers), its PostgreSQL backends' CPU per
 * event and how many events a commit carried (roughly: the bench's polling commits too).
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/consumer-experience/service/bench/merchant-onboarding.bench.ts [--events 1200] [--rate 150]
 *
 * Nothing here asserts: it prints.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import pino from 'pino';
import { ConsumerExperienceMigrations } from '@govern/consumer-experience-data-access';
import { MerchantOnboarded, MerchantOnboardedEvent } from '@govern/contracts-merchant-access';
import { createJetStreamBus, toOutgoing } from '@govern/platform-events';
import { createTestDatabase, deleteNamespaceStreams, testInfra, uniqueSuffix } from '@govern/platform-testing';
import { backendPids, processCpuMs, startServiceProcess, stopServiceProcess } from './bench-kit';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const EVENTS = Number(option('--events', '1200'));
const RATE = Number(option('--rate', '150'));
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

const main = async (): Promise<void> => {
  const infra = await testInfra();
  const database = await createTestDatabase({ prefix: 'bench_cx_onboarding', migrationsDir: ConsumerExperienceMigrations });
  const namespace = `bench${uniqueSuffix()}`;
  const { child } = await startServiceProcess(ROOT, { databaseUrl: database.url, natsUrl: infra.natsUrl, poolSize: 8, cpuProf: args.includes('--cpu-prof'), namespace });
  const bus = await createJetStreamBus({ natsUrl: infra.natsUrl, log: pino({ level: 'warn' }), namespace });
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  const handled = async (): Promise<number> => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM inbox_events')).rows[0]?.n ?? 0);
  const commits = async (): Promise<number> =>
    Number((await db.query<{ n: string }>(`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`)).rows[0]?.n ?? 0);
  const publish = async (i: number): Promise<void> => {
    const eventId = randomUUID();
    const event = toOutgoing(
      MerchantOnboardedEvent,
      MerchantOnboarded.fromPartial({
        meta: { eventId, occurredAt: new Date(), causationId: eventId, correlationId: eventId },
        merchantId: `merchant-${i}`,
        applicationId: `application-${i}`,
        restrictions: { depositFen: 200_000n + BigInt(i % 7) * 10_000n, listingQuota: 0 },
      }),
    );
    await bus.publish([{ subject: event.subject, eventId: event.eventId, eventType: event.eventType, payload: event.payload }]);
  };
  try {
    // Warm-up (JIT, prepared statements, the consumer's first fetch), not measured.
    for (let i = 0; i < 100; i++) await publish(-1 - i);
    while ((await handled()) < 100) await sleep(50);
    await sleep(500);

    const pid = child.pid ?? 0;
    const seconds = EVENTS / RATE;
    const idleBefore = processCpuMs(pid);
    const idleStarted = performance.now();
    await sleep(seconds * 1000);
    const idleMsPerSecond = (processCpuMs(pid) - idleBefore) / ((performance.now() - idleStarted) / 1000);

    const pgPids = await backendPids(database.url, 'consumer-experience');
    const pgBefore = new Map(pgPids.map((p) => [p, processCpuMs(p)]));
    const commitsBefore = await commits();
    const serviceBefore = processCpuMs(pid);
    const started = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sends.push(publish(i));
    }
    await Promise.all(sends);
    while ((await handled()) < EVENTS + 100) await sleep(20);
    const elapsedSeconds = (performance.now() - started) / 1000;
    const serviceMs = processCpuMs(pid) - serviceBefore;
    const postgresMs = (await backendPids(database.url, 'consumer-experience')).reduce((sum, p) => sum + processCpuMs(p) - (pgBefore.get(p) ?? 0), 0);
    const transactions = (await commits()) - commitsBefore;
    const [deposits] = (await db.query<{ n: string }>(`SELECT count(*) AS n FROM merchant_deposits WHERE merchant_id NOT LIKE 'merchant--%'`)).rows;
    console.log(`MerchantOnboarded x ${EVENTS} at ${RATE}/s, handled in ${elapsedSeconds.toFixed(2)} s (${deposits?.n} deposits set); load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(
      `  consumer-experience CPU ms/event: ${(serviceMs / EVENTS).toFixed(3)} gross, ${((serviceMs - idleMsPerSecond * elapsedSeconds) / EVENTS).toFixed(3)} net of idle ` +
        `(idle ${idleMsPerSecond.toFixed(1)} ms/s); its PostgreSQL backends ${(postgresMs / EVENTS).toFixed(3)} ms/event; ` +
        `${(EVENTS / Math.max(1, transactions)).toFixed(2)} events per commit in its database (the bench's polling counted too)`,
    );
  } finally {
    await db.end();
    await bus.close();
    await stopServiceProcess(child);
    // The run's streams go with it, as its database does (a NATS that went away must not keep it from being dropped).
    await deleteNamespaceStreams(infra.natsUrl, namespace).catch(() => undefined);
    await database.drop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
