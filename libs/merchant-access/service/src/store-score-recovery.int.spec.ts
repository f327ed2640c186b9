import { MerchantServiceMetricsReported, MerchantServiceMetricsReportedEvent } from '@govern/contracts-consumer-experience';
import { MerchantAccessServiceDefinition, StoreExperienceScoreChangedEvent } from '@govern/contracts-merchant-access';
import { violationExpiresAt } from '@govern/merchant-access-domain';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { readErrorDetails, type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { DAY } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { onboardMerchant, recordLateDispatch, startMerchantAccessForTest, serviceMetricsReport } from './testing/service';

describe('merchant-access: what restores a store experience score, over gRPC', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  let events: EventCollector;
  useForSuite(startMerchantAccessForTest, (ma) => ({ sut, client, events } = ma));

  const metrics = (eventId: string, merchantId: string, complaints: bigint): MerchantServiceMetricsReported =>
    serviceMetricsReport(sut.clock.now(), eventId, merchantId, { complaints, disputes: 0n });
  const scoreEvents = (merchantId: string) => events.of(StoreExperienceScoreChangedEvent).filter((e) => e.merchantId === merchantId);

  it('names the fewest complaints that reach the next band, and a window with that many fewer scores there live', async () => {
    const merchantId = await onboardMerchant(client, 310);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('many-complaints', merchantId, 18n));
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(1);
    const live = (await client.getStoreExperienceScore({ merchantId })).score?.score ?? Number.NaN;

    const recovery = await client.getStoreScoreRecovery({ merchantId, targetScore: 0 });
    expect(recovery.score).toBe(live);
    expect(recovery.targetScore).toBeGreaterThan(live);
    expect(recovery.policy).toMatchObject({ name: 'store-experience-score' });
    expect(recovery.activePoints).toBe(0);
    const complaints = recovery.levers.find((l) => l.lever === 'FEWER_COMPLAINTS');
    expect(complaints).toMatchObject({ reachesTarget: true });
    const fewer = complaints?.needed ?? 0n;
    expect(fewer).toBeGreaterThan(0n);
    expect(recovery.levers.find((l) => l.lever === 'ON_TIME_ORDERS')?.reachesTarget).toBe(true);

    // The same rules, live: the next report of the window with that many fewer complaints scores at the target.
    sut.clock.advance(DAY);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('fewer-complaints', merchantId, 18n - fewer));
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(2);
    expect((await client.getStoreExperienceScore({ merchantId })).score?.score).toBeGreaterThanOrEqual(recovery.targetScore);
    // One fewer would not have done it.
    sut.clock.advance(DAY);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('one-fewer-short', merchantId, 18n - fewer + 1n));
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(3);
    expect((await client.getStoreExperienceScore({ merchantId })).score?.score).toBeLessThan(recovery.targetScore);
  });

  it('a new store is neutral until it has enough orders; its violation points and their expiry; bad input and unknown merchants get clear errors', async () => {
    const merchantId = await onboardMerchant(client, 311);
    expect(await client.getStoreScoreRecovery({ merchantId, targetScore: 0 })).toMatchObject({ score: 4, ordersUntilScored: 30n, levers: [], activePoints: 0 });
    expect((await client.getStoreScoreRecovery({ merchantId, targetScore: 0 })).nextPointsExpireTime).toBeUndefined();

    // A violation's points: how many count, and when they expire.
    const recordedAt = sut.clock.now();
    const { standing } = await recordLateDispatch(client, merchantId, 'recovery-late');
    const withPoints = await client.getStoreScoreRecovery({ merchantId, targetScore: 0 });
    expect(withPoints.activePoints).toBe(standing?.activePoints);
    expect(withPoints.activePoints).toBeGreaterThan(0);
    expect(withPoints.nextPointsExpireTime).toEqual(violationExpiresAt({ occurredAt: recordedAt }));

    const bad = readErrorDetails(await client.getStoreScoreRecovery({ merchantId, targetScore: 7 }).catch((error: unknown) => error));
    expect(bad?.fieldViolations.map((v) => v.field)).toEqual(['target_score']);
    const unknown = readErrorDetails(await client.getStoreScoreRecovery({ merchantId: 'no-such-merchant', targetScore: 0 }).catch((error: unknown) => error));
    expect(unknown?.codeName).toBe('NOT_FOUND');
  });
});
