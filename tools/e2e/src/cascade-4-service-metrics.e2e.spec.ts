import { AfterSaleReason, AfterSaleType } from '@govern/contracts-consumer-experience';
import { ContentTier, ProductLinkState } from '@govern/contracts-content';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_CAPTIONS, CLEAN_TRANSCRIPT, hoursAgo, listProduct, onboardMerchant, publishVideo, recordOrder, shipOrder, type ListedProduct, type OnboardedMerchant } from './marketplace';
import { METRICS_REPORT_PERIOD_MS } from './platform-processes';
import { cascadeClock, ct, cx, ma, platform, STEP_TIMEOUT_MS, useCascadePlatform } from './cascade-platform';

/**
 * Cascade 4 of DESIGN.md, end to end (see cascade-platform.ts): service metrics: the store
 * experience score drops, affiliate eligibility is lost, the merchant's content is no longer
 * boosted. It waits for consumer-experience's service-metrics report, which is debounced to the
 * end of the current reporting period (15 minutes in production; the platform under test sets
 * METRICS_REPORT_PERIOD_MS to a few seconds).
 */

useCascadePlatform();

/** Cascade 4's marketplace, recorded in its beforeAll. */
interface Cascade4Setup {
  merchant: OnboardedMerchant;
  product: ListedProduct;
  contentId: string;
  /** The video's tier and the merchant's affiliate eligibility before the cascade (preconditions). */
  initialTier: ContentTier | undefined;
  initiallyEligible: boolean | undefined;
  orders: number;
  qualityReturns: number;
  /** When the last order fact was recorded: its report is due at the end of that period. */
  lastFactAt: Date;
}

const setUpCascade4 = async (): Promise<Cascade4Setup> => {
  const merchant = await onboardMerchant(platform, 400);
  const product = await listProduct(platform, { key: 'c4-thermos', merchantId: merchant.merchantId, title: 'Vacuum insulated stainless thermos flask 500 ml', priceFen: 6_900n });
  const contentId = 'c4-video-thermos-review';
  // Complete, original, engaging and clean: the video is boosted (PREMIUM).
  const video = await publishVideo(platform, {
    contentId,
    creatorId: 'c4-creator',
    title: 'Thermos flask: one month on the commute',
    captions: CLEAN_CAPTIONS,
    transcript: CLEAN_TRANSCRIPT,
    linkedProducts: [{ productId: product.productId, merchantId: merchant.merchantId }],
    mediaFingerprint: 'fp-c4-thermos-review',
    engagement: { views: 20_000n, completionRate: 0.62, likes: 1_800n, comments: 240n, shares: 90n },
  });
  const eligibility = await ma().getAffiliateEligibility({ merchantId: merchant.merchantId });

  // 32 delivered orders (more than the 30 the store score needs to leave its neutral value), shipped
  // on time with a real first scan; 8 of them come back with a quality defect (25%).
  const orders = 32;
  const qualityReturns = 8;
  for (let i = 0; i < orders; i++) {
    const orderId = `c4-order-${i}`;
    await recordOrder(platform, { orderId, buyerId: `c4-buyer-${i}`, product, paidAt: hoursAgo(20) });
    await shipOrder(platform, orderId, { shippedAt: hoursAgo(19), pickedUpAt: hoursAgo(18), deliveredAt: hoursAgo(2) });
  }
  for (let i = 0; i < qualityReturns; i++) {
    await cx().requestAfterSale({
      requestId: `c4-after-sale-${i}`,
      orderId: `c4-order-${i}`,
      buyerId: `c4-buyer-${i}`,
      type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
      reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
      amountFen: product.priceFen,
      description: 'The lid seal is cracked and the flask leaks.',
      evidenceRefs: [`c4-photo-${i}.jpg`],
      buyerTrustScore: 10,
    });
  }
  return {
    merchant,
    product,
    contentId,
    initialTier: video.contentItem?.tier,
    initiallyEligible: eligibility.eligibility?.eligible,
    orders,
    qualityReturns,
    lastFactAt: new Date(),
  };
};

describe('cascade 4: service metrics → store experience score drops → affiliate eligibility lost → the merchant’s content no longer boosted', { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = cascadeClock('cascade 4');
  let c4: Cascade4Setup;

  beforeAll(async () => {
    c4 = await setUpCascade4();
    // The trigger is the last service fact (order, parcel, after-sale) recorded in the setup.
    clock.trigger(c4.lastFactAt);
  }, 300_000);

  it('before: the merchant is in the affiliate programme and its video is boosted', () => {
    expect(c4.initiallyEligible).toBe(true);
    expect(c4.initialTier).toBe(ContentTier.CONTENT_TIER_PREMIUM);
  });

  it('consumer-experience: the merchant’s service metrics count its orders and quality returns', async () => {
    const { metrics } = await cx().getMerchantServiceMetrics({ merchantId: c4.merchant.merchantId });
    expect(metrics).toMatchObject({ orders: BigInt(c4.orders), qualityReturns: BigInt(c4.qualityReturns), fakeShipments: 0n, lateDispatches: 0n });
  });

  it('merchant-access: the store experience score drops below the affiliate minimum', async () => {
    // consumer-experience reports a merchant's metrics at the end of the reporting period its last fact fell in.
    const reportDueAt = (Math.floor(c4.lastFactAt.getTime() / METRICS_REPORT_PERIOD_MS) + 1) * METRICS_REPORT_PERIOD_MS;
    const bound = Math.max(30_000, reportDueAt - Date.now() + 60_000);
    const score = await clock.step(
      'merchant-access scores the store from consumer-experience’s metrics report',
      async () => {
        const got = await ma().getStoreExperienceScore({ merchantId: c4.merchant.merchantId }).then(
          (r) => r.score,
          () => undefined,
        );
        // The report that carries every fact of the setup: one due at an earlier period end (the
        // setup spans several periods of a few seconds) counts all the orders but not yet every return.
        const returnsScored = Math.round((got?.components.find((c) => c.metric === 'quality_return_rate')?.observed ?? 0) * c4.orders);
        return got && !got.neutral && got.orderCount >= BigInt(c4.orders) && returnsScored >= c4.qualityReturns ? got : undefined;
      },
      bound,
    );
    console.log(
      `[cascade 4] consumer-experience's report was due at ${new Date(reportDueAt).toISOString()} (end of the reporting period of the last fact); ` +
        `merchant-access had scored it ${Date.now() - reportDueAt} ms later`,
    );
    expect(score.score).toBeLessThan(4);
    // The quality returns are what pulled it down.
    expect(score.productScore).toBeLessThan(score.logisticsScore);
    expect(score.components.find((c) => c.metric === 'quality_return_rate')?.observed).toBeCloseTo(c4.qualityReturns / c4.orders);
  }, METRICS_REPORT_PERIOD_MS + 5 * 60_000);

  it('merchant-access: the affiliate sweep clears the merchant from the programme', async () => {
    const sweep = await clock.step('merchant-access clears the merchant in the affiliate sweep', async () => ma().runAffiliateSweep({ requestId: 'c4-affiliate-sweep' }));
    expect(sweep.clearedMerchantIdsSample).toContain(c4.merchant.merchantId);
    const { eligibility } = await ma().getAffiliateEligibility({ merchantId: c4.merchant.merchantId });
    expect(eligibility?.eligible).toBe(false);
    expect(eligibility?.reasons.map((r) => r.code)).toContain('MERCHANT.AFFILIATE.SCORE_TOO_LOW');
    const { merchant } = await ma().getMerchant({ merchantId: c4.merchant.merchantId });
    expect(merchant?.affiliateEligible).toBe(false);
  });

  it('content: the merchant’s content is no longer boosted', async () => {
    const item = await clock.step('content takes the boost from the merchant’s content', async () => {
      const { contentItem } = await ct().getContentItem({ contentId: c4.contentId });
      return contentItem && contentItem.tier !== ContentTier.CONTENT_TIER_PREMIUM ? contentItem : undefined;
    });
    expect(item.tier).toBe(ContentTier.CONTENT_TIER_STANDARD);
    expect(item.trafficWeight).toBe(1);
    // Capped, not punished: the video keeps selling the product.
    expect(item.productLinks.every((l) => l.state === ProductLinkState.PRODUCT_LINK_STATE_ACTIVE)).toBe(true);
    clock.total();
  });
});
