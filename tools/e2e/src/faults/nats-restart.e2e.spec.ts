import { natsServerBinary, startNatsServer, type NatsServerProcess } from '@govern/platform-testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS_REPORT_PERIOD_MS, settle, startPlatformProcesses, type PlatformUnderTest } from '../platform-processes';
import { consumersCaughtUp, healthOf, republishAll, tableCounts } from './platform-state';
import { prepareRemovalScenario, type RemovalScenario } from './removal-scenario';

/**
 * Issue 11.5 and 11.6, with the four services as separate processes on a nats-server this test
 * owns (own port and store; the shared server is never touched):
 *  - kill -9 of NATS in the middle of a cross-service cascade, restarted 10 s later: every
 *    consumer resumes by itself, health says NOT_SERVING while consumers are down past the bound
 *    and SERVING after, backlogs drain, and every service's final state has each effect once;
 *  - then every event of the run re-published under new message ids, and again under its own id
 *    once the duplicate window has passed: no service changes anything (row counts of every table
 *    of every database identical).
 */
const DUPLICATE_WINDOW_MS = 2_000;
const binary = natsServerBinary();

describe.skipIf(!binary)('NATS killed mid-cascade (own nats-server)', { timeout: 300_000 }, () => {
  let nats: NatsServerProcess;
  let platform: PlatformUnderTest;
  let scenario: RemovalScenario;

  beforeAll(async () => {
    nats = await startNatsServer(binary ?? '');
    platform = await startPlatformProcesses({
      natsUrl: nats.url,
      env: { CONSUMER_DOWN_BOUND_MS: '3000', EVENT_DUPLICATE_WINDOW_MS: String(DUPLICATE_WINDOW_MS) },
    });
    scenario = await prepareRemovalScenario(platform, 'nk', 900);
  }, 240_000);
  afterAll(async () => {
    await platform?.stop();
    await nats?.dispose();
  });

  it('kill -9 mid-cascade, restart after 10 s: consumers resume, health recovers, backlogs drain, each effect once in every service', async () => {
    await scenario.failLabTest();
    // The lab result's events are on their way through the services when the server dies.
    await nats.kill();
    const killedAt = Date.now();
    // Writes go on while NATS is down: their events wait in the outboxes.
    await scenario.removeMerchants();
    const down = await settle(
      'a service reports NOT_SERVING while its consumers are down',
      async () => {
        const health = await healthOf(platform);
        return Object.values(health).includes('NOT_SERVING') ? health : undefined;
      },
      9_000,
    );
    console.log('health during the outage', down.value);
    await sleep(Math.max(0, 10_000 - (Date.now() - killedAt)));
    await nats.restart();

    await scenario.assertSettled();
    const health = await settle('every service SERVING again', async () => {
      const now = await healthOf(platform);
      return Object.values(now).every((status) => status === 'SERVING') ? now : undefined;
    });
    expect(Object.values(health.value)).toEqual(['SERVING', 'SERVING', 'SERVING', 'SERVING']);
    await settle('every consumer caught up', () => consumersCaughtUp(nats.url, platform.namespace), 60_000);
  });

  it('every event re-published under new message ids, and under its own after the duplicate window, changes nothing anywhere', async () => {
    // Quiet first: consumer-experience still reports the cascade's metrics at the end of its period.
    const quiet = await settle(
      'the platform quiet (consumers caught up, no table changing over two report periods)',
      async () => {
        const first = await tableCounts(platform);
        await sleep(2 * METRICS_REPORT_PERIOD_MS);
        const caughtUp = await consumersCaughtUp(nats.url, platform.namespace);
        const second = await tableCounts(platform);
        return caughtUp && JSON.stringify(first) === JSON.stringify(second) ? second : undefined;
      },
      90_000,
    );
    const before = quiet.value;

    const copies = await republishAll(nats.url, platform.namespace, (original) => `replay-${original}`);
    await sleep(DUPLICATE_WINDOW_MS + 500);
    const again = await republishAll(nats.url, platform.namespace, (original) => (original.startsWith('replay-') ? original.slice('replay-'.length) : original));
    expect(copies).toBeGreaterThan(20);
    // The second pass read the originals and their copies (and whatever the services published meanwhile).
    expect(again).toBeGreaterThan(copies);
    const caughtUp = await settle('every consumer caught up with the copies', () => consumersCaughtUp(nats.url, platform.namespace), 60_000);
    expect(caughtUp.value.length).toBeGreaterThanOrEqual(9);

    expect(await tableCounts(platform)).toEqual(before);
    await scenario.assertSettled(5_000);
  });
});
