import { CompensationCause, EntrySide, type Order } from '@govern/contracts-consumer-experience';
import { ContentTier, PenaltyAction, PenaltySource } from '@govern/contracts-content';
import { MerchantStatus, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import { BanCause, DefectClass, LabVerdict, ProductStatus } from '@govern/contracts-product-quality';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_CAPTIONS, CLEAN_TRANSCRIPT, hoursAgo, listProduct, onboardMerchant, publishVideo, recordOrder, sumFen, type ListedProduct, type OnboardedMerchant } from './marketplace';
import { cascadeClock, ct, cx, ma, platform, pq, STEP_TIMEOUT_MS, useCascadePlatform } from './cascade-platform';

/**
 * Cascade 1 of DESIGN.md, end to end (see cascade-platform.ts): a critical lab failure bans the
 * product; the content linking it is limited, the merchant gets points, and recent buyers are
 * compensated by the fund, recovered from the deposit.
 */

useCascadePlatform();

describe('cascade 1: a critical lab failure bans the product → content limited → merchant points → buyers compensated by the fund, recovered from the deposit', { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = cascadeClock('cascade 1');
  let merchant: OnboardedMerchant;
  let product: ListedProduct;
  let orders: Order[];
  const contentId = 'c1-video-bottle';
  let depositBefore: bigint;
  let fundBefore: bigint;

  beforeAll(async () => {
    merchant = await onboardMerchant(platform, 100);
    product = await listProduct(platform, { key: 'c1-bottle', merchantId: merchant.merchantId, title: "Children's insulated water bottle with straw", priceFen: 8_900n });
    const video = await publishVideo(platform, {
      contentId,
      creatorId: 'c1-creator',
      title: "Children's water bottle review",
      captions: CLEAN_CAPTIONS,
      transcript: CLEAN_TRANSCRIPT,
      linkedProducts: [{ productId: product.productId, merchantId: merchant.merchantId }],
      mediaFingerprint: 'fp-c1-bottle',
    });
    expect([ContentTier.CONTENT_TIER_STANDARD, ContentTier.CONTENT_TIER_PREMIUM]).toContain(video.contentItem?.tier);
    await cx().depositMerchantFunds({ requestId: 'c1-deposit', merchantId: merchant.merchantId, amountFen: merchant.depositFen, paymentRef: 'c1-bank-transfer' });
    // Three recent buyers, paid within the dispatch promise (no late-dispatch compensation muddles the figures).
    orders = [];
    for (const [i, hours] of [2, 6, 20].entries()) {
      orders.push(await recordOrder(platform, { orderId: `c1-order-${i}`, buyerId: `c1-buyer-${i}`, product, paidAt: hoursAgo(hours), amountFen: 8_900n + BigInt(i) * 1_000n }));
    }
    depositBefore = (await cx().getMerchantDeposit({ merchantId: merchant.merchantId })).deposit?.balanceFen ?? 0n;
    fundBefore = (await cx().getFundLedger({})).ledger?.fundBalanceFen ?? 0n;

    clock.trigger();
    const lab = await pq().recordLabResult({
      requestId: 'c1-lab-result',
      productId: product.productId,
      skuId: product.skuId,
      verdict: LabVerdict.LAB_VERDICT_FAIL,
      defects: [{ defectClass: DefectClass.DEFECT_CLASS_CRITICAL, code: 'PHTHALATES_OVER_LIMIT', description: 'DEHP 0.31% in the straw (limit 0.1%)' }],
      reportRef: 'CNAS-E2E-0001',
      labName: 'Fujian Product Quality Inspection Institute',
      testedAt: hoursAgo(1),
    });
    expect(lab.bans.map((b) => b.productId)).toContain(product.productId);
  }, 120_000);

  it('product-quality: the product is banned for the lab result', async () => {
    const { product: banned } = await clock.step('product-quality bans the product', async () => {
      const got = await pq().getProduct({ productId: product.productId });
      return got.product?.status === ProductStatus.PRODUCT_STATUS_BANNED ? got : undefined;
    });
    const { bans } = await pq().listBans({ productId: product.productId });
    expect(bans).toHaveLength(1);
    expect(bans[0]).toMatchObject({ banId: banned?.activeBanId, cause: BanCause.BAN_CAUSE_LAB_CRITICAL, merchantId: merchant.merchantId });
  });

  it('content: the video linking the product is limited', async () => {
    const item = await clock.step('content limits the video', async () => {
      const { contentItem } = await ct().getContentItem({ contentId });
      return contentItem?.tier === ContentTier.CONTENT_TIER_LIMITED ? contentItem : undefined;
    });
    expect(item.trafficWeight).toBeCloseTo(0.3);
    const { penalties } = await ct().listPenalties({ contentId });
    expect(penalties).toEqual(
      expect.arrayContaining([expect.objectContaining({ source: PenaltySource.PENALTY_SOURCE_CASCADE, action: PenaltyAction.PENALTY_ACTION_LIMITED })]),
    );
  });

  it('merchant-access: the merchant gets the points of a critical inspection failure', async () => {
    const violation = await clock.step('merchant-access records the violation points', async () => {
      const { violations } = await ma().listViolations({ merchantId: merchant.merchantId });
      return violations.find((v) => v.type === ViolationType.VIOLATION_TYPE_CRITICAL_INSPECTION_FAILURE);
    });
    expect(violation).toMatchObject({ points: 12, source: ViolationSource.VIOLATION_SOURCE_PRODUCT_QUALITY, productId: product.productId });
    const { standing } = await ma().getMerchantStanding({ merchantId: merchant.merchantId });
    expect(standing).toMatchObject({ activePoints: 12, status: MerchantStatus.MERCHANT_STATUS_LISTING_RESTRICTED, canList: false, canSell: true });
  });

  it('consumer-experience: every recent buyer is paid back by the fund, recovered from the deposit', async () => {
    const compensations = await clock.step('consumer-experience compensates the recent buyers', async () => {
      const { compensations } = await cx().listCompensations({ merchantId: merchant.merchantId, cause: CompensationCause.COMPENSATION_CAUSE_FAILED_INSPECTION });
      return compensations.length >= orders.length ? compensations : undefined;
    });
    expect(compensations).toHaveLength(orders.length);
    for (const order of orders) {
      const paid = compensations.find((c) => c.orderId === order.orderId);
      expect(paid).toMatchObject({ buyerId: order.buyerId, productId: product.productId, amountFen: order.amountFen, recoveredFen: order.amountFen, outstandingFen: 0n });
    }
    const total = sumFen(orders.map((o) => o.amountFen));
    const { deposit } = await cx().getMerchantDeposit({ merchantId: merchant.merchantId });
    expect(deposit?.balanceFen).toBe(depositBefore - total);
    // The deposit fell below its minimum: the merchant is asked to top it up.
    expect(deposit?.topUpRequested).toBe(true);
    // The ledger shows the recovery: the deposit account is debited each order's amount.
    const { entries } = await cx().listLedgerEntries({ account: `MERCHANT_DEPOSIT:${merchant.merchantId}`, pageSize: 100 });
    for (const order of orders) {
      const recovered = entries.filter((e) => e.orderId === order.orderId && e.side === EntrySide.ENTRY_SIDE_DEBIT);
      expect(sumFen(recovered.map((e) => e.amountFen))).toBe(order.amountFen);
    }
    const { ledger } = await cx().getFundLedger({});
    expect(ledger?.balanced).toBe(true);
    // Paid out and recovered: the fund itself is whole again.
    expect(ledger?.fundBalanceFen).toBe(fundBefore);
    clock.total();
  });
});
