import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '@govern/contracts-common';
import { pollUntil } from '@govern/platform-testing';
import { prepareRemovalScenario, type RemovalScenario } from '../faults/removal-scenario';
import { runGovern, type CliRun } from '../govern-cli';
import { checkEffects, checkEvents, replicaWork, type EventFigures, type ReplicaWork } from './invariants';
import { runKey, startReplicatedPlatform, type ReplicatedPlatform } from './replicated-platform';

/**
 * Issue 15 item 5, `npm run test:scale` (not part of `npm test`: its own vitest config,
 * tools/e2e/vitest.scale-out.config.ts). Two replicas of every service, started from their
 * `nx build` artifacts, each pair on one database, over a 3-node NATS JetStream cluster with
 * the committed permissions and streams at 3 replicas. A `govern simulate` slice runs (its
 * clients on replica a of each service first, failing over to b) while a four-service cascade
 * (a lab failure, then two merchant removals) is driven with calls spread over both replicas;
 * mid-flow `kill -9` takes down the NATS node leading product-quality's stream and replica a of
 * every service. Then, on every database and stream: nothing lost, nothing doubled, the
 * simulation's orders all there, both replicas of every service did work, the cascade settled.
 */
const SIMULATED_ORDERS = Number(process.env['SCALE_OUT_ORDERS'] ?? 200);

/** What this test reads of `govern simulate --json` (tools/cli/src/simulation/summary.ts). */
interface SimulationSummary {
  calls: number;
  durationMs: number;
  settle: { settled: boolean };
  sections: { service: Record<string, number> };
  errors: Record<string, number>;
}

describe('scale-out: two replicas of every service on a 3-node NATS cluster, kill -9 mid-flow', { timeout: 1_200_000 }, () => {
  let platform: ReplicatedPlatform;
  let scenario: RemovalScenario;
  const key = runKey();

  beforeAll(async () => {
    const started = Date.now();
    platform = await startReplicatedPlatform();
    console.log(`scale-out: 3 NATS nodes and ${platform.replicas.length} service replicas up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    scenario = await prepareRemovalScenario(platform, key, 700);
  }, 900_000);
  afterAll(async () => {
    await platform?.stop();
  }, 120_000);

  it('loses nothing, doubles nothing, both replicas work, the cascade settles', async () => {
    const simPrefix = `${key}sim`;
    const simulate: Promise<CliRun> = runGovern(
      ['simulate', '--seed', '3', '--orders', String(SIMULATED_ORDERS), '--id-prefix', simPrefix, '--concurrency', '8', '--json', '--quiet', ...platform.cliAddressArgs('a')],
      { timeoutMs: 900_000, env: platform.cliEnv },
    );
    // Mid-flow: the simulation is listing products (its merchants onboarded) when the kills come.
    await pollUntil(
      'the simulation lists products',
      async () => {
        const { rows } = await platform.sql['product-quality'].query<{ n: number }>('SELECT count(*)::int AS n FROM listing_evaluations');
        return (rows[0]?.n ?? 0) > 40 ? true : undefined;
      },
      { timeoutMs: 600_000, intervalMs: 500 },
    );

    const cascadeStarted = Date.now();
    await scenario.failLabTest();
    // What replica a of each service did, read just before it dies.
    const before: ReplicaWork[] = await Promise.all(SERVICE_NAMES.map((service) => replicaWork(`${service}-a`, platform.replica(service, 'a').metricsUrl)));
    const nc = await platform.opsConnection();
    const leaderName = (await (await jetstreamManager(nc)).streams.info('GOVERN_PRODUCT_QUALITY')).cluster?.leader;
    await nc.close();
    const node = platform.cluster.nodes.find((n) => n.name === leaderName) ?? platform.cluster.nodes[0];
    if (!node) throw new Error('no NATS node');
    const killedAt = Date.now();
    node.process.kill('SIGKILL');
    await Promise.all([node.exited, ...SERVICE_NAMES.map((service) => platform.killReplica(platform.replica(service, 'a')))]);
    console.log(`scale-out: kill -9 of NATS ${node.name} (leader of GOVERN_PRODUCT_QUALITY) and of ${SERVICE_NAMES.map((s) => `${s}-a`).join(', ')}`);

    // The cascade goes on through the survivors, and settles while the simulation still runs.
    await scenario.removeMerchants();
    let cascadeSettledMs = 0;
    let afterKillMs = 0;
    // Settled, not all: a cascade that fails still waits for the CLI process to end before the test does.
    const [simulated, cascade] = await Promise.allSettled([
      simulate,
      scenario.assertSettled(300_000).then(() => {
        cascadeSettledMs = Date.now() - cascadeStarted;
        afterKillMs = Date.now() - killedAt;
      }),
    ]);
    if (cascade.status === 'rejected') throw cascade.reason;
    if (simulated.status === 'rejected') throw simulated.reason;
    const run = simulated.value;
    expect(run.code, `govern simulate exited ${run.code}:\n${run.stderr.slice(-4_000)}`).toBe(0);
    const summary = JSON.parse(run.stdout) as SimulationSummary;
    const simulationEndedMs = Date.now() - killedAt;

    // Events: every outbox row published once, every stream holding exactly its outbox, every inbox
    // exactly what its subjects select. Polled: the last deliveries and metrics reports land meanwhile.
    let last: { violations: string[]; figures: EventFigures } | undefined;
    await pollUntil(
      'every event published once and handled once',
      async () => {
        last = await checkEvents(platform);
        return last.violations.length === 0 ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 2_000 },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}:\n  ${last?.violations.join('\n  ')}`, { cause: error });
    });
    const eventsSettledMs = Date.now() - killedAt;
    expect(await checkEffects(platform)).toEqual([]);

    // The simulation's orders: each one it says was recorded is there, once.
    const { rows } = await platform.sql['consumer-experience'].query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE order_id LIKE $1', [`${simPrefix}%`]);
    const recorded = summary.sections.service['recorded'] ?? -1;
    expect(rows[0]?.n).toBe(recorded);
    expect(recorded).toBeGreaterThan(0);
    expect(summary.settle.settled).toBe(true);

    // Both replicas of each service did work: a until it died, b to the end.
    const after: ReplicaWork[] = await Promise.all(SERVICE_NAMES.map((service) => replicaWork(`${service}-b`, platform.replica(service, 'b').metricsUrl)));
    const work = [...before, ...after];
    console.log(
      [
        '',
        `scale-out result (${new Date().toISOString()}): govern simulate --orders ${SIMULATED_ORDERS}: ${summary.calls} calls in ${(summary.durationMs / 1000).toFixed(1)} s, ` +
          `${recorded} orders recorded, refused ${JSON.stringify(summary.errors)}`,
        `cascade (lab failure + 2 removals) settled ${(cascadeSettledMs / 1000).toFixed(1)} s after it started, ${(afterKillMs / 1000).toFixed(1)} s after the kills; ` +
          `the simulation ended ${(simulationEndedMs / 1000).toFixed(1)} s after the kills (its settle wait included); every event published and handled once ${(eventsSettledMs / 1000).toFixed(1)} s after the kills`,
        '',
        '| replica | gRPC calls served | events consumed | outbox rows published | durable jobs run |',
        '|---|--:|--:|--:|--:|',
        ...work.map((w) => `| ${w.replica}${w.replica.endsWith('-a') ? ' (until kill -9)' : ''} | ${w.calls} | ${w.consumed} | ${w.published} | ${w.jobs} |`),
        '',
        '| service | outbox rows (all published) | events in its stream (3 replicas) |',
        '|---|--:|--:|',
        ...SERVICE_NAMES.map((s) => `| ${s} | ${last?.figures.outbox[s]} | ${last?.figures.stream[s]} |`),
        `dead letters: ${last?.figures.deadLetters ?? 0}`,
        '',
        `inbox rows per durable (each = the events its subjects select): ${Object.entries(last?.figures.inbox ?? {})
          .map(([durable, n]) => `${durable} ${n}`)
          .join(', ')}`,
        '',
      ].join('\n'),
    );
    for (const w of work) {
      expect(w.calls, `${w.replica} served no calls`).toBeGreaterThan(0);
      expect(w.consumed + w.published + w.jobs, `${w.replica} did no event or job work`).toBeGreaterThan(0);
    }
  });
});
