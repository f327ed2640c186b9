import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContentPenalisedEvent,
  ContentRestoredEvent,
  ContentTier,
  ContentTierChangedEvent,
  PenaltyAction,
  PenaltySource,
  PenaltyState,
  ProductLinkState,
  RestoreCause,
} from '@govern/contracts-content';
import { AffiliateEligibilityChangedEvent, MerchantReinstatedEvent, MerchantRemovedEvent, MerchantStatus, ReinstatementCause } from '@govern/contracts-merchant-access';
import { BanCause, ProductBannedEvent, ProductUnbannedEvent, UnbanCause } from '@govern/contracts-product-quality';
import { approveListings, errorOf, eventually, meta, startContentForTest, type ContentUnderTest } from './testing/content-test-kit';

const TEXT = {
  title: 'Linen shirt after ten washes',
  captions: 'I washed this linen shirt ten times: here is how the fabric and seams held up.',
  transcript: 'Hello everyone, today we look at the seams, the collar and the buttons after ten washes. '.repeat(4),
};
const ENGAGED = { views: 20_000n, completionRate: 0.62, likes: 1_800n, comments: 240n, shares: 90n };
const GONE_A = { productId: 'p-gone-a', merchantId: 'm-gone' };
const GONE_B = { productId: 'p-gone-b', merchantId: 'm-gone' };
const FINE = { productId: 'p-fine', merchantId: 'm-fine' };
const KETTLE = { productId: 'p-kettle', merchantId: 'm-kettle' };
const ALLIANCE = { productId: 'p-alliance', merchantId: 'm-alliance' };

describe('cascades from other services over NATS', () => {
  let cut: ContentUnderTest;
  beforeAll(async () => {
    cut = await startContentForTest();
    await approveListings(cut, [GONE_A, GONE_B, FINE, KETTLE, ALLIANCE]);
  });
  afterAll(async () => cut?.stop());

  const publishVideo = (contentId: string, creatorId: string, links: { productId: string; merchantId: string }[], extra = {}) =>
    cut.client.assessVideo({ requestId: `r-${contentId}`, contentId, creatorId, ...TEXT, linkedProducts: links, mediaFingerprint: `fp-${contentId}`, ...extra });

  it('a removed merchant’s goods are unlinked from every item (not appealable), and come back when it is reinstated', async () => {
    const { sut, client, events } = cut;
    await publishVideo('v-mixed', 'cr-m1', [GONE_A, FINE]);
    await publishVideo('v-gone', 'cr-m2', [GONE_B]);
    await sut.publish(MerchantRemovedEvent, {
      meta: meta(sut),
      merchantId: 'm-gone',
      zeroTolerance: true,
      depositForfeited: true,
      depositForfeitedFen: 500_000n,
      reasons: [{ code: 'MERCHANT.COUNTERFEIT', message: 'counterfeit ring', evidence: {}, weight: 0 }],
      policy: { name: 'violations', version: 'test' },
      sanctionId: 'san-1',
    });
    const penalised = await eventually(async () => {
      const found = events.of(ContentPenalisedEvent).filter((e) => e.source === PenaltySource.PENALTY_SOURCE_CASCADE && ['v-mixed', 'v-gone'].includes(e.contentId));
      return found.length === 2 ? found : undefined;
    }, 'both items unlinked');
    expect(penalised.every((e) => e.action === PenaltyAction.PENALTY_ACTION_UNLINKED)).toBe(true);
    expect(penalised.find((e) => e.contentId === 'v-mixed')?.unlinkedProductIds).toEqual([GONE_A.productId]);

    const mixed = (await client.getContentItem({ contentId: 'v-mixed' })).contentItem;
    expect(mixed?.productLinks).toMatchObject([
      { productId: GONE_A.productId, state: ProductLinkState.PRODUCT_LINK_STATE_UNLINKED, unlinkedReasonCode: 'CONTENT.CASCADE.MERCHANT_REMOVED' },
      { productId: FINE.productId, state: ProductLinkState.PRODUCT_LINK_STATE_ACTIVE },
    ]);
    expect(mixed?.tier).toBe(ContentTier.CONTENT_TIER_STANDARD);
    const cascadePenalty = mixed?.activePenaltyIds[0] ?? '';
    expect(await errorOf(client.fileAppeal({ requestId: 'r-ap-cascade', penaltyId: cascadePenalty, creatorId: 'cr-m1', statement: 'not my fault' }))).toMatchObject({
      codeName: 'FAILED_PRECONDITION',
      reason: 'APPEAL.CASCADE_PENALTY',
    });
    // A new video cannot link the removed merchant's goods either.
    const refused = await publishVideo('v-after-removal', 'cr-m1', [GONE_B]);
    expect(refused.contentItem?.productLinks).toMatchObject([{ state: ProductLinkState.PRODUCT_LINK_STATE_UNLINKED, unlinkedReasonCode: 'CONTENT.LINK.REMOVED_MERCHANT' }]);

    await sut.publish(MerchantReinstatedEvent, {
      meta: meta(sut),
      merchantId: 'm-gone',
      cause: ReinstatementCause.REINSTATEMENT_CAUSE_APPEAL_OVERTURNED,
      sanctionId: 'san-1',
      status: MerchantStatus.MERCHANT_STATUS_ACTIVE,
      activePoints: 0,
      appealId: 'ma-appeal-1',
    });
    const restored = await eventually(async () => {
      const found = events.of(ContentRestoredEvent).filter((e) => ['v-mixed', 'v-gone', 'v-after-removal'].includes(e.contentId));
      return found.length === 3 ? found : undefined;
    }, 'items restored');
    expect(restored.every((e) => e.cause === RestoreCause.RESTORE_CAUSE_MERCHANT_REINSTATED)).toBe(true);
    expect(restored.find((e) => e.contentId === 'v-mixed')?.relinkedProductIds).toEqual([GONE_A.productId]);
    expect((await client.getContentItem({ contentId: 'v-gone' })).contentItem?.productLinks).toMatchObject([{ state: ProductLinkState.PRODUCT_LINK_STATE_ACTIVE, unlinkedReasonCode: '' }]);
    const lifted = await client.listPenalties({ contentId: 'v-mixed' });
    expect(lifted.penalties).toMatchObject([{ penaltyId: cascadePenalty, state: PenaltyState.PENALTY_STATE_LIFTED }]);
  });

  it('a lab-critical ban limits the items selling the product; the unban gives them their tier back', async () => {
    const { sut, client, events } = cut;
    const premium = await publishVideo('v-kettle', 'cr-k', [KETTLE], { engagement: ENGAGED });
    expect(premium.contentItem?.tier).toBe(ContentTier.CONTENT_TIER_PREMIUM);
    const ban = {
      productId: KETTLE.productId,
      merchantId: KETTLE.merchantId,
      skuId: 'sku',
      categoryCode: 'kitchen',
      cause: BanCause.BAN_CAUSE_LAB_CRITICAL,
      reasons: [],
      banId: 'ban-k',
      policy: { name: 'bans', version: 'test' },
      sourceRef: 'lab-9',
      // A producer's clock far ahead: kept as the event's own time, never believed (it would date the ban next year).
      bannedAt: new Date(sut.clock.now().getTime() + 365 * 24 * 3600_000),
    };
    const announced = meta(sut);
    await sut.publish(ProductBannedEvent, { meta: announced, ...ban });
    const limited = await eventually(async () => events.of(ContentTierChangedEvent).find((e) => e.contentId === 'v-kettle'), 'tier limited');
    expect((await sut.db.bannedProduct.findUnique({ where: { productId: KETTLE.productId } }))?.bannedAt).toEqual(announced.occurredAt);
    expect(limited).toMatchObject({ previousTier: ContentTier.CONTENT_TIER_PREMIUM, tier: ContentTier.CONTENT_TIER_LIMITED, trafficWeight: 0.3, previousTrafficWeight: 1.5 });
    // The same ban announced again in another event: one cascade per ban.
    await sut.publish(ProductBannedEvent, { meta: meta(sut), ...ban });

    await sut.publish(ProductUnbannedEvent, { meta: meta(sut), productId: KETTLE.productId, merchantId: KETTLE.merchantId, banId: 'ban-k', cause: UnbanCause.UNBAN_CAUSE_MANUAL, liftedAt: sut.clock.now() });
    const restored = await eventually(async () => events.of(ContentRestoredEvent).find((e) => e.contentId === 'v-kettle'), 'restored');
    expect(restored).toMatchObject({ cause: RestoreCause.RESTORE_CAUSE_PRODUCT_UNBANNED, tier: ContentTier.CONTENT_TIER_PREMIUM, trafficWeight: 1.5 });
    expect((await client.getContentItem({ contentId: 'v-kettle' })).contentItem).toMatchObject({ tier: ContentTier.CONTENT_TIER_PREMIUM, activePenaltyIds: [] });
    expect((await client.listPenalties({ contentId: 'v-kettle' })).penalties).toHaveLength(1);
  });

  it('cascade 4: a merchant that lost affiliate eligibility no longer gets its goods boosted', async () => {
    const { sut, client, events } = cut;
    const boosted = await publishVideo('v-alliance', 'cr-a', [ALLIANCE], { engagement: ENGAGED });
    expect(boosted.contentItem?.tier).toBe(ContentTier.CONTENT_TIER_PREMIUM);
    await sut.publish(AffiliateEligibilityChangedEvent, {
      meta: meta(sut),
      merchantId: ALLIANCE.merchantId,
      eligible: false,
      reasons: [{ code: 'AFFILIATE.SCORE_BELOW_MINIMUM', message: 'store experience 3.6 < 4.0', evidence: {}, weight: 0 }],
      storeExperienceScore: 3.6,
      sweepId: 'sweep-1',
      policy: { name: 'affiliate', version: 'test' },
    });
    const changed = await eventually(async () => events.of(ContentTierChangedEvent).find((e) => e.contentId === 'v-alliance'), 'boost removed');
    expect(changed).toMatchObject({ previousTier: ContentTier.CONTENT_TIER_PREMIUM, tier: ContentTier.CONTENT_TIER_STANDARD, trafficWeight: 1 });
    expect(changed.reasons[0]?.code).toBe('CONTENT.TIER.MERCHANT_NOT_AFFILIATE_ELIGIBLE');
    // Re-publishing does not bring the boost back while the merchant is out of the programme.
    const again = await client.assessVideo({ requestId: 'r-v-alliance-2', contentId: 'v-alliance', creatorId: 'cr-a', ...TEXT, linkedProducts: [ALLIANCE], engagement: ENGAGED });
    expect(again.contentItem?.tier).toBe(ContentTier.CONTENT_TIER_STANDARD);
    expect(again.assessment?.reasons.map((r) => r.code)).toContain('CONTENT.TIER.MERCHANT_NOT_AFFILIATE_ELIGIBLE');
  });
});
