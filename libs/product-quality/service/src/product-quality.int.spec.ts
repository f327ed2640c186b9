import { describe, expect, it } from 'vitest';
import {
  type ListingAction,
  ListingApprovedEvent,
  ListingDecision,
  ListingRejectedEvent,
  ProductQualityServiceDefinition,
  ProductStatus,
  QualityTier,
  QualityTierChangedEvent,
} from '@govern/contracts-product-quality';
import { ProductServiceStatsReportedEvent } from '@govern/contracts-consumer-experience';
import { MerchantReinstatedEvent, MerchantSanctionedEvent, MerchantStatus, ReinstatementCause, SanctionKind, StoreExperienceScoreChangedEvent } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/product-quality-data-access';
import { readErrorDetails, type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { consumed, listing, meta, onboard, sentinel, unique, startProductQualityForTest } from './testing/fixtures';

describe('product-quality over gRPC: the listing gate', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof ProductQualityServiceDefinition>;
  let events: EventCollector;

  useForSuite(() => startProductQualityForTest({ merchants: ['M-1'] }), (pq) => ({ sut, client, events } = pq));

  it('approves a complete listing, records the decision and scores the product', async () => {
    const l = listing();
    const res = await client.evaluateListing({ requestId: unique('r'), listing: l, action: 0 });
    expect(res.decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    expect(res.reasons.every((r) => r.code.startsWith('LISTING.'))).toBe(true);
    expect(res.policy?.name).toBe('listing-gate');
    expect(res.qualityScore?.score).toBeGreaterThan(0);
    const stored = await client.getListingEvaluation({ evaluationId: res.evaluationId });
    expect(stored.evaluation?.reasons).toEqual(res.reasons);
    const product = await client.getProduct({ productId: l.productId });
    expect(product.product).toMatchObject({ status: ProductStatus.PRODUCT_STATUS_ACTIVE, listingIds: [l.listingId], skuIds: [l.skuId] });
    const approved = await events.waitFor(ListingApprovedEvent, 1);
    expect(approved.find((e) => e.listingId === l.listingId)?.evaluationId).toBe(res.evaluationId);
    await events.waitFor(QualityTierChangedEvent, 1);
  });

  it('rejects a three-no listing with a prohibited claim, listing every reason, and says so in the event', async () => {
    const l = listing({ manufacturer: '', certificateCode: '无', title: '全网最好的保温杯 100%有效' });
    const res = await client.evaluateListing({ requestId: unique('r'), listing: l, action: 0 });
    expect(res.decision).toBe(ListingDecision.LISTING_DECISION_REJECTED);
    expect(res.threeNo).toBe(true);
    expect(res.zeroTolerance).toBe(true);
    const codes = res.reasons.map((r) => r.code);
    expect(codes.filter((c) => c === 'LISTING.THREE_NO')).toHaveLength(2);
    expect(codes).toContain('LISTING.PROHIBITED_CLAIM');
    const rejected = await events.waitFor(ListingRejectedEvent, 1);
    expect(rejected.find((e) => e.listingId === l.listingId)).toMatchObject({ threeNo: true, zeroTolerance: true });
    await expect(client.getProduct({ productId: l.productId })).rejects.toSatisfy((e) => readErrorDetails(e)?.codeName === 'NOT_FOUND');
  });

  it('answers INVALID_ARGUMENT with every field violation and writes nothing', async () => {
    const l = listing({ listingId: '', title: 'x'.repeat(201), priceFen: -5n, merchantId: 'M-BAD' });
    const error = await client.evaluateListing({ requestId: '', listing: l, action: 9 as ListingAction }).catch((e: unknown) => e);
    const details = readErrorDetails(error);
    expect(details?.codeName).toBe('INVALID_ARGUMENT');
    expect(details?.fieldViolations.map((v) => v.field).sort()).toEqual(['action', 'listing.listing_id', 'listing.price_fen', 'listing.title', 'request_id']);
    const evaluations = await client.listListingEvaluations({ pageSize: 10, pageToken: '', listingId: '', productId: '', merchantId: 'M-BAD', decision: 0 });
    expect(evaluations.evaluations).toEqual([]);
  });

  it('returns the first decision for a repeated request_id and changes nothing twice, even concurrently', async () => {
    const l = listing();
    const request = { requestId: unique('r'), listing: l, action: 0 as ListingAction };
    const [first, second] = await Promise.all([client.evaluateListing(request), client.evaluateListing(request)].map((p) => p.catch((e: unknown) => e)));
    // A concurrent twin either waits for the first and gets its answer, or is told to retry (ABORTED).
    const answers = [first, second].filter((a): a is Awaited<ReturnType<typeof client.evaluateListing>> => !(a instanceof Error));
    expect(answers.length).toBeGreaterThan(0);
    for (const a of [first, second]) if (a instanceof Error) expect(readErrorDetails(a)?.codeName).toBe('ABORTED');
    const third = await client.evaluateListing(request);
    for (const a of answers) expect(a).toEqual(third);
    const recorded = await client.listListingEvaluations({ pageSize: 10, pageToken: '', listingId: l.listingId, productId: '', merchantId: '', decision: 0 });
    expect(recorded.evaluations.map((e) => e.evaluationId)).toEqual([third.evaluationId]);
    await sentinel(sut, client, events);
    expect(events.of(ListingApprovedEvent).filter((e) => e.listingId === l.listingId)).toHaveLength(1);
    const reused = await client.evaluateListing({ ...request, listing: { ...l, title: `${l.title} 新款` } }).catch((e: unknown) => e);
    expect(readErrorDetails(reused)).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'REQUEST_ID.REUSED' });
  });

  it('blocks new listings of a sanctioned merchant, lets a listing-restricted one edit, and lifts the block on reinstatement', async () => {
    await onboard(sut, 'M-SANCTIONED');
    const published = listing({ merchantId: 'M-SANCTIONED' });
    await client.evaluateListing({ requestId: unique('r'), listing: published, action: 0 });
    const sanction = {
      meta: meta(sut),
      merchantId: 'M-SANCTIONED',
      sanctionId: 'S-1',
      kind: SanctionKind.SANCTION_KIND_LISTING_RESTRICTED,
      startsAt: sut.clock.now(),
      endsAt: new Date(sut.clock.now().getTime() + 7 * 86_400_000),
      activePoints: 12,
      reasons: [],
      policy: { name: 'merchant-violations', version: '2026-11-01.1' },
    };
    await sut.publish(MerchantSanctionedEvent, sanction);
    await consumed(sut, sanction.meta.eventId);
    const fresh = await client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: 'M-SANCTIONED' }), action: 0 });
    expect(fresh.decision).toBe(ListingDecision.LISTING_DECISION_REJECTED);
    expect(fresh.reasons.find((r) => r.code === 'LISTING.MERCHANT_NOT_ACTIVE')?.evidence).toMatchObject({ standing: 'LISTING_RESTRICTED', action: 'PUBLISH' });
    const edit = await client.evaluateListing({ requestId: unique('r'), listing: { ...published, priceFen: 4_900n }, action: 2 as ListingAction });
    expect(edit.decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);

    const reinstated = {
      meta: meta(sut),
      merchantId: 'M-SANCTIONED',
      cause: ReinstatementCause.REINSTATEMENT_CAUSE_EXPIRED,
      sanctionId: 'S-1',
      status: MerchantStatus.MERCHANT_STATUS_ACTIVE,
      activePoints: 12,
      appealId: '',
    };
    await sut.publish(MerchantReinstatedEvent, reinstated);
    await consumed(sut, reinstated.meta.eventId);
    expect((await client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: 'M-SANCTIONED' }), action: 0 })).decision).toBe(
      ListingDecision.LISTING_DECISION_APPROVED,
    );
  });

  it('refuses an edit of a listing never published, and a product of another merchant', async () => {
    const never = await client.evaluateListing({ requestId: unique('r'), listing: listing(), action: 2 as ListingAction }).catch((e: unknown) => e);
    expect(readErrorDetails(never)).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'LISTING.NOT_PUBLISHED' });
    const theirs = listing();
    await client.evaluateListing({ requestId: unique('r'), listing: theirs, action: 0 });
    await onboard(sut, 'M-OTHER');
    const hijack = await client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: 'M-OTHER', productId: theirs.productId }), action: 0 }).catch((e: unknown) => e);
    expect(readErrorDetails(hijack)).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'LISTING.PRODUCT_OF_ANOTHER_MERCHANT' });
  });

  it('holds a merchant approved with restrictions to its listing quota', async () => {
    await onboard(sut, 'M-QUOTA', [], 2);
    for (let i = 0; i < 2; i++) {
      expect((await client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: 'M-QUOTA' }), action: 0 })).decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    }
    const third = await client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: 'M-QUOTA' }), action: 0 });
    expect(third.reasons.find((r) => r.code === 'LISTING.QUOTA_EXCEEDED')?.evidence).toMatchObject({ quota: '2', active_listings: '2' });
  });

  it('approves exactly the quota when a merchant publishes many listings at once', async () => {
    await onboard(sut, 'M-QUOTA-RACE', [], 3);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => client.evaluateListing({ requestId: unique('r'), listing: listing({ merchantId: 'M-QUOTA-RACE' }), action: 0 })),
    );
    expect(answers.filter((a) => a.decision === ListingDecision.LISTING_DECISION_APPROVED)).toHaveLength(3);
    const refused = answers.filter((a) => a.reasons.some((r) => r.code === 'LISTING.QUOTA_EXCEEDED'));
    expect(refused).toHaveLength(9);
  });

  it('requires the qualification merchant-access verified for the category', async () => {
    await onboard(sut, 'M-FOOD', ['food']);
    const food = (merchantId: string) => listing({ merchantId, categoryCode: 'food.snacks', title: '每日坚果混合装 750g 30袋' });
    expect((await client.evaluateListing({ requestId: unique('r'), listing: food('M-FOOD'), action: 0 })).decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    const unqualified = await client.evaluateListing({
      requestId: unique('r'),
      listing: { ...food('M-1'), declaredQualifications: ['FOOD_BUSINESS_LICENCE'] },
      action: 0,
    });
    expect(unqualified.reasons.find((r) => r.code === 'LISTING.QUALIFICATION_MISSING')?.evidence).toMatchObject({ qualification: 'FOOD_BUSINESS_LICENCE', declared_on_listing: 'true' });
  });

  it('protects a registered brand until its owner authorises the merchant, and stops again on revocation', async () => {
    const brand = await client.registerBrand({
      requestId: unique('r'),
      name: 'Thermos',
      aliases: ['膳魔师'],
      ownerId: 'RH-THERMOS',
      trademarkNumber: 'TM-1234567',
      authorisationRequired: true,
      categoryCodes: ['home'],
      expiresAt: undefined,
    });
    const branded = () => listing({ title: '膳魔师 真空保温杯 500ml 不锈钢', brand: '' });
    const refused = await client.evaluateListing({ requestId: unique('r'), listing: branded(), action: 0 });
    expect(refused.reasons.find((r) => r.code === 'LISTING.BRAND_UNAUTHORISED')?.evidence).toMatchObject({ brand_id: brand.brand?.brandId, matched_in: 'title' });
    const granted = await client.grantBrandAuthorisation({
      requestId: unique('r'),
      brandId: brand.brand?.brandId ?? '',
      ownerId: 'RH-THERMOS',
      merchantId: 'M-1',
      categoryCodes: [],
      validFrom: undefined,
      validUntil: undefined,
    });
    expect((await client.evaluateListing({ requestId: unique('r'), listing: branded(), action: 0 })).decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    const notOwner = await client
      .revokeBrandAuthorisation({ requestId: unique('r'), authorisationId: granted.authorisation?.authorisationId ?? '', ownerId: 'M-1' })
      .catch((e: unknown) => e);
    expect(readErrorDetails(notOwner)?.codeName).toBe('PERMISSION_DENIED');
    await client.revokeBrandAuthorisation({ requestId: unique('r'), authorisationId: granted.authorisation?.authorisationId ?? '', ownerId: 'RH-THERMOS' });
    expect((await client.evaluateListing({ requestId: unique('r'), listing: branded(), action: 0 })).decision).toBe(ListingDecision.LISTING_DECISION_REJECTED);
    const twice = await client
      .registerBrand({ requestId: unique('r'), name: 'THERMOS', aliases: [], ownerId: 'RH-2', trademarkNumber: 'TM-2', authorisationRequired: true, categoryCodes: [], expiresAt: undefined })
      .catch((e: unknown) => e);
    expect(readErrorDetails(twice)).toMatchObject({ codeName: 'ALREADY_EXISTS', reason: 'BRAND.ALREADY_REGISTERED' });
  });

  it('rescores a product from consumer-experience stats and the merchant score, keeping the history', async () => {
    await onboard(sut, 'M-SCORE');
    const l = listing({ merchantId: 'M-SCORE' });
    const approved = await client.evaluateListing({ requestId: unique('r'), listing: l, action: 0 });
    const before = approved.qualityScore?.score ?? 0;
    const stats = {
      meta: meta(sut),
      productId: l.productId,
      merchantId: 'M-SCORE',
      window: { startTime: new Date('2026-10-01T00:00:00Z'), endTime: new Date('2026-10-31T00:00:00Z') },
      orders: 2_000n,
      qualityReturns: 300n,
      complaints: 150n,
      positiveReviews: 100n,
      negativeReviews: 700n,
    };
    await sut.publish(ProductServiceStatsReportedEvent, stats);
    await consumed(sut, stats.meta.eventId);
    const score = await client.getQualityScore({ productId: l.productId, historyPageSize: 10, historyPageToken: '' });
    expect(score.score?.score).toBeLessThan(40);
    expect(score.score).toMatchObject({ tier: QualityTier.QUALITY_TIER_POOR, trigger: 'SERVICE_STATS' });
    expect(score.score?.components.find((c) => c.name === 'QUALITY_RETURNS')?.explanation).toContain('2000 orders');
    expect(score.history.map((h) => h.score)).toEqual([before]);
    await expect.poll(() => events.of(QualityTierChangedEvent).some((e) => e.productId === l.productId && e.tier === QualityTier.QUALITY_TIER_POOR)).toBe(true);

    const merchantScore = {
      meta: meta(sut),
      merchantId: 'M-SCORE',
      score: 5.0,
      previousScore: 0,
      productScore: 5,
      logisticsScore: 5,
      serviceScore: 5,
      neutral: false,
      window: undefined,
      policy: { name: 'store-experience', version: '2026-11-01.1' },
    };
    await sut.publish(StoreExperienceScoreChangedEvent, merchantScore);
    await consumed(sut, merchantScore.meta.eventId);
    const rescored = await client.getQualityScore({ productId: l.productId, historyPageSize: 10, historyPageToken: '' });
    expect(rescored.score?.trigger).toBe('MERCHANT_SCORE');
    expect(rescored.score?.components.find((c) => c.name === 'MERCHANT_SCORE')?.value).toBe(100);
    expect(rescored.history).toHaveLength(2);
  });
  it('applies only newer stats windows and merchant scores: equal, older and impossible ones change nothing', async () => {
    await onboard(sut, 'M-STALE');
    const l = listing({ merchantId: 'M-STALE' });
    await client.evaluateListing({ requestId: unique('r'), listing: l, action: 0 });
    const stats = (endTime: Date, qualityReturns: bigint) => ({
      meta: meta(sut),
      productId: l.productId,
      merchantId: 'M-STALE',
      window: { startTime: new Date(endTime.getTime() - 30 * 86_400_000), endTime },
      orders: 2_000n,
      qualityReturns,
      complaints: 0n,
      positiveReviews: 100n,
      negativeReviews: 0n,
    });
    const scoreNow = async () => (await client.getQualityScore({ productId: l.productId, historyPageSize: 50, historyPageToken: '' })).score;
    const october = stats(new Date('2026-10-31T00:00:00Z'), 0n);
    await sut.publish(ProductServiceStatsReportedEvent, october);
    await consumed(sut, october.meta.eventId);
    const applied = await scoreNow();

    // The same window again with other figures, an older window, and one ending far ahead of the clock.
    await sut.publish(ProductServiceStatsReportedEvent, stats(new Date('2026-10-31T00:00:00Z'), 1_500n));
    await sut.publish(ProductServiceStatsReportedEvent, stats(new Date('2026-09-30T00:00:00Z'), 1_500n));
    await sut.publish(ProductServiceStatsReportedEvent, stats(new Date('2099-01-01T00:00:00Z'), 1_500n));
    // Same stream and consumer, published last: once it is in, the three before it were handled.
    const sentinel = { ...stats(new Date('2026-10-31T00:00:00Z'), 0n), productId: 'p-sentinel-unknown' };
    await sut.publish(ProductServiceStatsReportedEvent, sentinel);
    const merchantScore = (occurredAt: Date, score: number) => ({
      meta: { ...meta(sut), occurredAt },
      merchantId: 'M-STALE',
      score,
      previousScore: 0,
      productScore: score,
      logisticsScore: score,
      serviceScore: score,
      neutral: false,
      window: undefined,
      policy: { name: 'store-experience', version: '2026-11-01.1' },
    });
    const now = sut.clock.now();
    const newer = merchantScore(now, 1.0);
    await sut.publish(StoreExperienceScoreChangedEvent, newer);
    // Reordered: an older score arrives after the newer one.
    const older = merchantScore(new Date(now.getTime() - 86_400_000), 5.0);
    await sut.publish(StoreExperienceScoreChangedEvent, older);
    await consumed(sut, older.meta.eventId);
    await consumed(sut, sentinel.meta.eventId);

    const after = await scoreNow();
    expect(after?.components.find((c) => c.name === 'QUALITY_RETURNS')).toEqual(applied?.components.find((c) => c.name === 'QUALITY_RETURNS'));
    expect(after?.components.find((c) => c.name === 'MERCHANT_SCORE')?.value).toBe(0);
    const [row] = await sut.db.$queryRawUnsafe<{ store_score: number; stats_window_end: Date; quality_returns: bigint }[]>(
      `SELECT m.store_score, p.stats_window_end, p.quality_returns FROM merchants m JOIN products p ON p.merchant_id = m.merchant_id WHERE p.product_id = $1`,
      l.productId,
    );
    expect(row).toEqual({ store_score: 1, stats_window_end: new Date('2026-10-31T00:00:00Z'), quality_returns: 0n });
  });
});
