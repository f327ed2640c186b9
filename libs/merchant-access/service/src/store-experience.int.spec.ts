import { GovernanceOpsServiceDefinition, ReplayVerdict } from '@govern/contracts-common';
import { MerchantServiceMetrics, MerchantServiceMetricsReported, MerchantServiceMetricsReportedEvent } from '@govern/contracts-consumer-experience';
import { AffiliateEligibilityChangedEvent, MerchantAccessServiceDefinition, StoreExperienceScoreChangedEvent, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { toOutgoing } from '@govern/platform-events';
import { closeServiceClient, type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { DAY } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { onboardMerchant, startMerchantAccessForTest, serviceMetricsReport } from './testing/service';

describe('merchant-access store experience score and affiliate programme over gRPC', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  let events: EventCollector;
  useForSuite(startMerchantAccessForTest, (ma) => ({ sut, client, events } = ma));

  const onboard = (seed: number): Promise<string> => onboardMerchant(client, seed);

  /** A 90-day rolling report ending now: perfect service unless overridden. */
  const metrics = (eventId: string, merchantId: string, overrides: Partial<MerchantServiceMetricsReported> = {}): MerchantServiceMetricsReported =>
    serviceMetricsReport(sut.clock.now(), eventId, merchantId, overrides);
  const poor = { qualityReturns: 100n, negativeReviews: 200n, positiveReviews: 0n, complaints: 100n, disputes: 100n, disputesLost: 50n };

  const scoreEvents = (merchantId: string) => events.of(StoreExperienceScoreChangedEvent).filter((e) => e.merchantId === merchantId);
  const affiliateEvents = (merchantId: string) => events.of(AffiliateEligibilityChangedEvent).filter((e) => e.merchantId === merchantId);

  it('gives a new store the neutral score, then scores its metrics with the breakdown', async () => {
    const merchantId = await onboard(200);
    expect((await client.getStoreExperienceScore({ merchantId })).score).toMatchObject({ score: 4, neutral: true, orderCount: 0n });

    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('few-orders', merchantId, { orders: 20n, inStockOrdersDue: 20n, dispatchedWithin48h: 0n }));
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(1);
    expect(scoreEvents(merchantId)[0]).toMatchObject({ score: 4, previousScore: 0, neutral: true });

    sut.clock.advance(DAY);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('good-service', merchantId));
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(2);
    expect(scoreEvents(merchantId)[1]).toMatchObject({ score: 5, previousScore: 4, productScore: 5, logisticsScore: 5, serviceScore: 5, neutral: false });
    const { score } = await client.getStoreExperienceScore({ merchantId });
    expect(score).toMatchObject({ score: 5, neutral: false, orderCount: 1000n, policy: { name: 'store-experience-score' } });
    expect(score?.components.map((c) => c.metric)).toContain('dispatch_48h_rate');
    expect(score?.components.find((c) => c.metric === 'dispatch_48h_rate')).toMatchObject({ dimension: 'logistics', observed: 1, score: 5 });

    // The rolling report of the next day replaces the previous one rather than adding to it.
    sut.clock.advance(DAY);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('bad-products', merchantId, { qualityReturns: 100n, negativeReviews: 200n, positiveReviews: 0n }));
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(3);
    expect(scoreEvents(merchantId)[2]).toMatchObject({ score: 3, productScore: 1, logisticsScore: 5, serviceScore: 5 });
    expect((await client.getStoreExperienceScore({ merchantId })).score?.orderCount).toBe(1000n);
  });

  it('scores buyer contacts in the service dimension: a poor response rate and low satisfaction lower it, with the reasons named; a redelivery changes nothing', async () => {
    const merchantId = await onboard(250);
    const ops = sut.client(GovernanceOpsServiceDefinition);
    /** 100 contacts judged and answered, p90 first reply 2 minutes, 90 resolved, 40 of 50 ratings satisfied, `breaches` late. */
    const contacts = (breaches: bigint, satisfied: bigint) =>
      MerchantServiceMetrics.fromPartial({
        merchantId,
        contacts: 100n,
        contactsJudged: 100n,
        contactBreaches: breaches,
        contactsAnswered: 100n,
        contactFirstReplyP90Seconds: 120,
        contactsResolved: 90n,
        contactRatings: 50n,
        contactRatingsSatisfied: satisfied,
      });
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('contacts-good', merchantId, { metrics: contacts(0n, 49n) }));
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(1);
    expect(scoreEvents(merchantId)[0]).toMatchObject({ score: 5, serviceScore: 5, policy: { version: '2026-12-05.1' } });

    // The next day's rolling report: 30 of 100 contacts past the norm (70%), 30 of 50 ratings satisfied (60%).
    sut.clock.advance(DAY);
    const poorEvent = metrics('contacts-poor', merchantId, { metrics: contacts(30n, 30n) });
    await sut.publish(MerchantServiceMetricsReportedEvent, poorEvent);
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(2);
    // Service 5 - 4 × (0.2 response + 0.15 satisfaction) = 3.6; score 0.5 × 5 + 0.2 × 5 + 0.3 × 3.6 = 4.58.
    expect(scoreEvents(merchantId)[1]).toMatchObject({ score: 4.58, previousScore: 5, productScore: 5, logisticsScore: 5, serviceScore: 3.6 });
    const { score } = await client.getStoreExperienceScore({ merchantId });
    expect(score).toMatchObject({ score: 4.58, serviceScore: 3.6, policy: { version: '2026-12-05.1' } });
    expect(score?.components.find((c) => c.metric === 'contact_response_rate')).toMatchObject({ dimension: 'service', observed: 0.7, score: 1 });
    expect(score?.components.find((c) => c.metric === 'contact_satisfaction_rate')).toMatchObject({ dimension: 'service', observed: 0.6, score: 1 });
    const decision = (await ops.getDecision({ decisionId: 'store-score:contacts-poor' })).decision;
    expect(decision).toMatchObject({ outcome: '4.58', policy: { name: 'store-experience-score', version: '2026-12-05.1' } });
    const reasons = new Map(decision?.reasons.map((r) => [r.code, r.evidence]));
    expect(reasons.get('STORE_SCORE.CONTACT_RESPONSE_RATE')).toMatchObject({ observed: '0.7', score: '1' });
    expect(reasons.get('STORE_SCORE.CONTACT_SATISFACTION_RATE')).toMatchObject({ observed: '0.6', score: '1' });
    expect((await ops.replayDecision({ decisionId: 'store-score:contacts-poor' })).result?.verdict).toBe(ReplayVerdict.REPLAY_VERDICT_IDENTICAL);

    // The same event delivered again (re-published under a new message id, past the bus's duplicate
    // check), then a sentinel behind it on the same consumer: nothing moved.
    const copy = toOutgoing(MerchantServiceMetricsReportedEvent, poorEvent);
    await sut.bus.publish([{ subject: copy.subject, eventId: 'contacts-poor-copy', eventType: copy.eventType, payload: copy.payload }]);
    sut.clock.advance(DAY);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('contacts-sentinel', merchantId, { metrics: contacts(30n, 30n) }));
    await expect.poll(async () => (await client.getStoreExperienceScore({ merchantId })).score?.window?.endTime?.getTime(), { timeout: 10_000 }).toBe(
      sut.clock.now().getTime(),
    );
    expect(scoreEvents(merchantId)).toHaveLength(2);
    expect((await ops.listDecisions({ kind: 'store-score', subject: { type: 'merchant', id: merchantId }, pageSize: 10 })).decisions.map((d) => d.decisionId).sort()).toEqual(
      ['store-score:contacts-good', 'store-score:contacts-poor', 'store-score:contacts-sentinel'],
    );
    expect(await sut.db.serviceMetricsReport.count({ where: { merchantId } })).toBe(1);
    closeServiceClient(ops);
  });

  it('refuses a report whose window ends far ahead of the clock (it would freeze the score window), and keeps scoring real reports', async () => {
    const merchantId = await onboard(230);
    const end = sut.clock.now();
    await sut.publish(
      MerchantServiceMetricsReportedEvent,
      metrics('from-the-future', merchantId, { ...poor, window: { startTime: end, endTime: new Date(end.getTime() + 365 * DAY) } }),
    );
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('real-report', merchantId));
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(1);
    expect(scoreEvents(merchantId)[0]).toMatchObject({ score: 5, neutral: false });
    const { score } = await client.getStoreExperienceScore({ merchantId });
    expect(score?.window?.endTime).toEqual(end);
  });

  it('refuses a report whose window is longer than the score window (it would supersede every report it overlaps)', async () => {
    const merchantId = await onboard(240);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('good-90-days', merchantId));
    await expect.poll(() => scoreEvents(merchantId).length, { timeout: 10_000 }).toBe(1);
    const end = sut.clock.now();
    await sut.publish(
      MerchantServiceMetricsReportedEvent,
      metrics('four-hundred-days', merchantId, { ...poor, window: { startTime: new Date(end.getTime() - 400 * DAY), endTime: end } }),
    );
    // A sentinel behind it on the same consumer: once it is scored, the long report was handled.
    sut.clock.advance(DAY);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('sentinel', merchantId));
    await expect.poll(async () => (await client.getStoreExperienceScore({ merchantId })).score?.window?.endTime?.getTime(), { timeout: 10_000 }).toBe(
      sut.clock.now().getTime(),
    );
    expect(scoreEvents(merchantId).every((e) => e.score === 5)).toBe(true);
    expect((await client.getStoreExperienceScore({ merchantId })).score).toMatchObject({ score: 5, orderCount: 1000n });
  });

  it('clears the ineligible in a sweep, one event each, and re-admits them when they recover', async () => {
    const poorMerchant = await onboard(210);
    const sanctioned = await onboard(211);
    const fine = await onboard(212);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('poor-210', poorMerchant, poor));
    await client.recordViolation({
      requestId: 'restrict-211',
      merchantId: sanctioned,
      type: ViolationType.VIOLATION_TYPE_CRITICAL_INSPECTION_FAILURE,
      source: ViolationSource.VIOLATION_SOURCE_PRODUCT_QUALITY,
      sourceRef: 'lab-211',
      productId: 'p-211',
      description: '',
      evidence: {},
    });
    await expect.poll(() => scoreEvents(poorMerchant).length, { timeout: 10_000 }).toBe(1);
    expect((await client.getAffiliateEligibility({ merchantId: poorMerchant })).eligibility).toMatchObject({ eligible: false });
    expect((await client.getAffiliateEligibility({ merchantId: sanctioned })).eligibility).toMatchObject({ eligible: false, sanctioned: true });

    const dry = await client.runAffiliateSweep({ requestId: 'sweep-dry', dryRun: true });
    expect(dry.clearedMerchantIdsSample).toEqual(expect.arrayContaining([poorMerchant, sanctioned]));
    expect((await client.getMerchant({ merchantId: poorMerchant })).merchant?.affiliateEligible).toBe(true);

    const sweep = await client.runAffiliateSweep({ requestId: 'sweep-1', dryRun: false });
    expect(sweep.clearedMerchantIdsSample).toEqual(expect.arrayContaining([poorMerchant, sanctioned]));
    expect(sweep.clearedMerchantIdsSample).not.toContain(fine);
    expect(await client.runAffiliateSweep({ requestId: 'sweep-1', dryRun: false })).toEqual(sweep);
    await expect.poll(() => affiliateEvents(poorMerchant).length + affiliateEvents(sanctioned).length, { timeout: 10_000 }).toBe(2);
    expect(affiliateEvents(poorMerchant)).toMatchObject([{ eligible: false, sweepId: sweep.sweepId }]);
    expect(affiliateEvents(fine)).toHaveLength(0);
    const outside = await client.listMerchants({ pageSize: 500, pageToken: '', status: 0, affiliateEligible: false });
    expect(outside.merchants.map((m) => m.merchantId)).toEqual(expect.arrayContaining([poorMerchant, sanctioned]));

    // A second sweep with nothing changed emits nothing.
    const quiet = await client.runAffiliateSweep({ requestId: 'sweep-2', dryRun: false });
    expect(quiet).toMatchObject({ clearedCount: 0n, readmittedCount: 0n });

    // Recovery: the sanction runs out (the daily sweep job runs on its own), the score comes back.
    sut.clock.advance(7 * DAY);
    await sut.publish(MerchantServiceMetricsReportedEvent, metrics('recovered-210', poorMerchant));
    await expect.poll(() => scoreEvents(poorMerchant).length, { timeout: 10_000 }).toBe(2);
    await sut.runDueJobs();
    await expect.poll(() => affiliateEvents(poorMerchant).length + affiliateEvents(sanctioned).length, { timeout: 10_000 }).toBe(4);
    expect(affiliateEvents(poorMerchant).map((e) => e.eligible)).toEqual([false, true]);
    expect(affiliateEvents(sanctioned).map((e) => e.eligible)).toEqual([false, true]);
    expect(affiliateEvents(sanctioned)[1]?.sweepId).not.toBe(sweep.sweepId);

    const stats = await client.getGovernanceStats({ window: { startTime: new Date(0), endTime: new Date('2100-01-01T00:00:00Z') } });
    // The first test's merchant (score 3.0) was cleared by the same sweep.
    expect(stats).toMatchObject({ affiliateClearances: 3n, affiliateReadmissions: 2n, listingRestrictionsImposed: 1n });
  });
});
