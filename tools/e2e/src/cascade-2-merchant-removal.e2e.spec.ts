import { AfterSaleReason, AfterSaleStatus, AfterSaleType, CompensationCause, OrderStatus, type Order } from '@govern/contracts-consumer-experience';
import { ProductLinkState } from '@govern/contracts-content';
import { MerchantStatus, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import { BanCause, ProductStatus } from '@govern/contracts-product-quality';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_CAPTIONS, CLEAN_TRANSCRIPT, failureOf, hoursAgo, listProduct, onboardMerchant, publishVideo, recordOrder, shipOrder, type ListedProduct, type OnboardedMerchant } from './marketplace';
import { expectActorOfFlow, opsClientsOf, removerOf } from './cascade-actors';
import { cascadeClock, ct, cx, ma, platform, pq, STEP_TIMEOUT_MS, useCascadePlatform } from './cascade-platform';

/**
 * Cascade 2 of DESIGN.md, end to end (see cascade-platform.ts): a removed merchant: its products
 * banned, their content unlinked, undispatched orders refunded, open after-sales protected by the
 * fund.
 */

useCascadePlatform();

describe('cascade 2: a merchant removed → all its products banned → their content unlinked → undispatched orders refunded, open after-sales protected by the fund', { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = cascadeClock('cascade 2');
  let merchant: OnboardedMerchant;
  let products: ListedProduct[];
  const contentId = 'c2-video-kitchen';
  let undispatched: Order[];
  let withAfterSale: Order;
  let afterSaleId: string;
  let shippedOnly: Order;

  beforeAll(async () => {
    merchant = await onboardMerchant(platform, 200);
    products = [
      await listProduct(platform, { key: 'c2-knife', merchantId: merchant.merchantId, title: 'Damascus pattern chef knife 8 inch', priceFen: 25_900n }),
      await listProduct(platform, { key: 'c2-board', merchantId: merchant.merchantId, title: 'Bamboo cutting board with juice groove', priceFen: 7_900n }),
    ];
    const [knife, board] = products as [ListedProduct, ListedProduct];
    await publishVideo(platform, {
      contentId,
      creatorId: 'c2-creator',
      title: 'Kitchen basics: knife and board',
      captions: CLEAN_CAPTIONS,
      transcript: CLEAN_TRANSCRIPT,
      linkedProducts: products.map((p) => ({ productId: p.productId, merchantId: merchant.merchantId })),
      mediaFingerprint: 'fp-c2-kitchen',
    });
    await cx().depositMerchantFunds({ requestId: 'c2-deposit', merchantId: merchant.merchantId, amountFen: merchant.depositFen, paymentRef: 'c2-bank-transfer' });
    undispatched = [
      await recordOrder(platform, { orderId: 'c2-order-unshipped-1', buyerId: 'c2-buyer-1', product: knife, paidAt: hoursAgo(3) }),
      await recordOrder(platform, { orderId: 'c2-order-unshipped-2', buyerId: 'c2-buyer-2', product: board, paidAt: hoursAgo(5) }),
    ];
    withAfterSale = await recordOrder(platform, { orderId: 'c2-order-after-sale', buyerId: 'c2-buyer-3', product: knife, paidAt: hoursAgo(30) });
    await shipOrder(platform, withAfterSale.orderId, { shippedAt: hoursAgo(28), pickedUpAt: hoursAgo(27), deliveredAt: hoursAgo(3) });
    const opened = await cx().requestAfterSale({
      requestId: 'c2-after-sale',
      orderId: withAfterSale.orderId,
      buyerId: withAfterSale.buyerId,
      type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
      reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
      amountFen: withAfterSale.amountFen,
      description: 'The blade chipped on first use.',
      evidenceRefs: ['c2-chipped-blade.jpg'],
      // Too little trust for a refund before the goods come back: the after-sale waits for the merchant.
      buyerTrustScore: 10,
    });
    afterSaleId = opened.afterSale?.afterSaleId ?? '';
    expect(opened.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT);
    shippedOnly = await recordOrder(platform, { orderId: 'c2-order-shipped', buyerId: 'c2-buyer-4', product: board, paidAt: hoursAgo(30) });
    await shipOrder(platform, shippedOnly.orderId, { shippedAt: hoursAgo(29), pickedUpAt: hoursAgo(28) });

    clock.trigger();
    const removal = await ma().recordViolation({
      requestId: 'c2-counterfeit',
      merchantId: merchant.merchantId,
      type: ViolationType.VIOLATION_TYPE_COUNTERFEIT,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: 'case-c2-counterfeit',
      productId: knife.productId,
      description: 'Counterfeit branded knives confirmed by the brand owner.',
      evidence: { appraisal_ref: 'APPRAISAL-E2E-2' },
    });
    expect(removal).toMatchObject({ removed: true, depositForfeited: true });
  }, 120_000);

  it('merchant-access: the merchant is removed', async () => {
    const { merchant: removed } = await ma().getMerchant({ merchantId: merchant.merchantId });
    expect(removed?.standing?.status).toBe(MerchantStatus.MERCHANT_STATUS_REMOVED);
    expect(removed?.removedAt).toBeInstanceOf(Date);
  });

  it('product-quality: every product of the merchant is banned', async () => {
    const listed = await clock.step('product-quality bans every product', async () => {
      const { products: current } = await pq().listProducts({ merchantId: merchant.merchantId });
      return current.length === products.length && current.every((p) => p.status === ProductStatus.PRODUCT_STATUS_BANNED) ? current : undefined;
    });
    expect(listed.map((p) => p.productId).sort()).toEqual(products.map((p) => p.productId).sort());
    const { bans } = await pq().listBans({ merchantId: merchant.merchantId, cause: BanCause.BAN_CAUSE_MERCHANT_REMOVED });
    expect(bans.map((b) => b.productId).sort()).toEqual(products.map((p) => p.productId).sort());
  });

  it('content: the video is unlinked from every product of the merchant', async () => {
    const item = await clock.step('content unlinks the video', async () => {
      const { contentItem } = await ct().getContentItem({ contentId });
      return contentItem && contentItem.productLinks.length > 0 && contentItem.productLinks.every((l) => l.state === ProductLinkState.PRODUCT_LINK_STATE_UNLINKED)
        ? contentItem
        : undefined;
    });
    for (const link of item.productLinks) {
      expect(['CONTENT.CASCADE.MERCHANT_REMOVED', 'CONTENT.CASCADE.PRODUCT_BANNED']).toContain(link.unlinkedReasonCode);
    }
  });

  it('consumer-experience: undispatched orders are refunded in full', async () => {
    await clock.step('consumer-experience refunds the undispatched orders', async () => {
      const got = await Promise.all(undispatched.map((o) => cx().getOrder({ orderId: o.orderId })));
      return got.every((g) => g.order?.status === OrderStatus.ORDER_STATUS_REFUNDED) ? got : undefined;
    });
    for (const o of undispatched) {
      const { order } = await cx().getOrder({ orderId: o.orderId });
      expect(order?.refundedFen).toBe(o.amountFen);
    }
    // A dispatched order without an after-sale is left to its normal course.
    const { order: shipped } = await cx().getOrder({ orderId: shippedOnly.orderId });
    expect(shipped?.status).toBe(OrderStatus.ORDER_STATUS_SHIPPED);
    expect(shipped?.refundedFen).toBe(0n);
  });

  it('consumer-experience: the open after-sale is settled by the fund, and the merchant takes no new order', async () => {
    const afterSale = await clock.step('consumer-experience settles the open after-sale from the fund', async () => {
      const got = await cx().getAfterSale({ afterSaleId });
      return got.afterSale?.status === AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED ? got.afterSale : undefined;
    });
    expect(afterSale.orderId).toBe(withAfterSale.orderId);
    const { compensations } = await cx().listCompensations({ merchantId: merchant.merchantId, cause: CompensationCause.COMPENSATION_CAUSE_MERCHANT_REMOVED });
    expect(compensations).toEqual([expect.objectContaining({ orderId: withAfterSale.orderId, afterSaleId, amountFen: withAfterSale.amountFen })]);
    const refused = await failureOf(
      recordOrder(platform, { orderId: 'c2-order-after-removal', buyerId: 'c2-buyer-5', product: products[1] as ListedProduct, paidAt: new Date() }),
    );
    expect(refused).toEqual({ codeName: 'FAILED_PRECONDITION', reason: 'ORDER.MERCHANT_REMOVED' });
    clock.total();
  });

  it('every service names the operator who removed the merchant on the cascade\'s events and decisions', async () => {
    const ops = opsClientsOf(platform);
    try {
      const operator = await removerOf(ops, merchant.merchantId);
      const merchantSubject = { type: 'merchant', id: merchant.merchantId };
      // The removal's flow is its request (c2-counterfeit): MerchantRemoved, the bans, the unlinks, the refunds.
      await expectActorOfFlow(ops, operator, 'merchant-access', { correlationId: 'c2-counterfeit', minEvents: 1, decisions: { kind: 'violation-points', subject: merchantSubject, min: 1 } });
      await expectActorOfFlow(ops, operator, 'product-quality', { correlationId: 'c2-counterfeit', minEvents: products.length });
      await expectActorOfFlow(ops, operator, 'content', { correlationId: 'c2-counterfeit', minEvents: 0 });
      await expectActorOfFlow(ops, operator, 'consumer-experience', { correlationId: 'c2-counterfeit', minEvents: 1, decisions: { kind: 'compensation', subject: merchantSubject, min: 1 } });
    } finally {
      ops.close();
    }
  });
});
