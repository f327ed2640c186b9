import { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { devTokenProvider } from '@govern/platform-auth';
import { closeServiceClient, createServiceClient, readErrorDetails } from '@govern/platform-grpc';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle, startPlatformProcesses, type PlatformUnderTest } from '../platform-processes';
import { healthOf } from './platform-state';
import { postgresBinaries, startOwnedPostgres, type OwnedPostgres } from './owned-postgres';
import { prepareRemovalScenario, type RemovalScenario } from './removal-scenario';

/**
 * Issue 11.5: PostgreSQL crashes (immediate shutdown, every backend killed) under a running
 * cascade and comes back 10 s later. The four services run as separate processes on a cluster
 * this test owns (own data directory and port). While it is down, calls fail cleanly and fast
 * (UNAVAILABLE, never INTERNAL or a hang); afterwards every service recovers without a restart
 * (pools reconnect; the relay, the consumers and the jobs resume) and the cascade's final state
 * holds exactly, in every service.
 */
describe.skipIf(!postgresBinaries())('PostgreSQL restarted under a running cascade (own cluster)', { timeout: 300_000 }, () => {
  let postgres: OwnedPostgres;
  let platform: PlatformUnderTest;
  let scenario: RemovalScenario;

  beforeAll(async () => {
    postgres = await startOwnedPostgres();
    platform = await startPlatformProcesses({ adminDatabaseUrl: postgres.url });
    scenario = await prepareRemovalScenario(platform, 'pg', 950);
  }, 240_000);
  afterAll(async () => {
    // The cluster may be down if a step failed: bring it back so the platform can drop its databases.
    await postgres?.start().catch(() => undefined);
    await platform?.stop();
    await postgres?.dispose();
  });

  it('calls fail with UNAVAILABLE while it is down; afterwards every service recovers by itself and the cascade completes, each effect once', async () => {
    await scenario.failLabTest();
    await scenario.removeMerchants();
    // The cascade is under way in every service when the database dies.
    await postgres.crash();
    const crashedAt = Date.now();

    // A call that needs the database: answered, fast, with a status a client retries on.
    const client = createServiceClient(MerchantAccessServiceDefinition, platform.addresses.merchantAccess, {
      defaultDeadlineMs: 5_000,
      transport: platform.transport,
      token: devTokenProvider(platform.pki.signingKeyFile, { subject: 'e2e-operator', roles: ['operator'] }),
    });
    const outcomes: { code: string; reason: string | undefined; ms: number }[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const error = await client.getMerchant({ merchantId: 'any-merchant' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        const details = error ? readErrorDetails(error) : undefined;
        outcomes.push({ code: details?.codeName ?? 'OK', reason: details?.reason, ms: Date.now() - started });
        await sleep(500);
      }
    } finally {
      closeServiceClient(client);
    }
    console.log('calls while PostgreSQL is down', outcomes);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ code: 'UNAVAILABLE', reason: 'DATABASE.UNAVAILABLE' });
      expect(outcome.ms).toBeLessThan(5_000);
    }

    await sleep(Math.max(0, 10_000 - (Date.now() - crashedAt)));
    await postgres.start();

    await scenario.assertSettled();
    const health = await healthOf(platform);
    expect(Object.values(health)).toEqual(['SERVING', 'SERVING', 'SERVING', 'SERVING']);
    // New work after the restart goes through on the same processes.
    const after = await settle('a read answers again', () => platform.clients.merchantAccess.getMerchantStanding({ merchantId: 'unknown' }).then(() => true, (e: unknown) => (readErrorDetails(e)?.codeName === 'NOT_FOUND' ? true : undefined)));
    expect(after.value).toBe(true);
  });
});
