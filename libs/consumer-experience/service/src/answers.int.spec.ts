import { AfterSaleReason, AfterSaleStatus, AfterSaleType, FastRefundOutcome, FulfilmentType } from '@govern/contracts-consumer-experience';
import { DAY, HOUR } from '@govern/policy-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type Fixture } from './testing/service-fixture';

/**
 * The hot write paths answer from what they wrote (RETURNING, or the row as inserted) instead of
 * reading it back: the answer must be exactly what a later read returns.
 */
describe('answers built from the writes match what is stored', () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => f?.stop());

  it('RecordOrder answers the order as GetOrder reads it', async () => {
    const { order } = await f.client.recordOrder({
      requestId: f.id('req'),
      orderId: f.id('order'),
      buyerId: 'buyer-answers',
      merchantId: 'merchant-answers',
      productId: 'product-answers',
      skuId: 'sku-1',
      categoryCode: 'home.kitchen',
      attributedContentId: 'video-1',
      attributedCreatorId: 'creator-1',
      amountFen: 12_345n,
      paidAt: new Date(f.clock.now().getTime() - HOUR),
      fulfilment: FulfilmentType.FULFILMENT_TYPE_IN_STOCK,
      returnExemptions: [],
    });
    expect(order).toBeDefined();
    expect((await f.client.getOrder({ orderId: order?.orderId ?? '' })).order).toEqual(order);
  });

  it('RequestAfterSale answers the after-sale as GetAfterSale reads it: a fast refund, and one awaiting the merchant', async () => {
    const granted = await f.recordOrder({ buyerId: 'buyer-a1', paidAt: new Date(f.clock.now().getTime() - HOUR) });
    const fast = await f.client.requestAfterSale({
      requestId: f.id('req'),
      orderId: granted,
      buyerId: 'buyer-a1',
      type: AfterSaleType.AFTER_SALE_TYPE_REFUND_ONLY,
      reason: AfterSaleReason.AFTER_SALE_REASON_NOT_WANTED_BEFORE_DISPATCH,
      amountFen: 10_000n,
      description: 'changed my mind',
      evidenceRefs: ['photo-1'],
      goodsUnsealed: false,
    });
    expect(fast.afterSale?.fastRefund?.outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED);
    expect((await f.client.getAfterSale({ afterSaleId: fast.afterSale?.afterSaleId ?? '' })).afterSale).toEqual(fast.afterSale);

    const shippedLongAgo = await f.recordOrder({ buyerId: 'buyer-a2', paidAt: new Date(f.clock.now().getTime() - 2 * DAY) });
    await f.client.recordShipment({ requestId: f.id('req'), orderId: shippedLongAgo, trackingNumber: f.id('SF'), carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
    const awaiting = await f.client.requestAfterSale({
      requestId: f.id('req'),
      orderId: shippedLongAgo,
      buyerId: 'buyer-a2',
      type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
      reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
      amountFen: 10_000n,
      description: 'broken handle',
      evidenceRefs: [],
      goodsUnsealed: true,
      buyerTrustScore: 40,
    });
    expect(awaiting.afterSale?.status).not.toBe(AfterSaleStatus.AFTER_SALE_STATUS_UNSPECIFIED);
    expect((await f.client.getAfterSale({ afterSaleId: awaiting.afterSale?.afterSaleId ?? '' })).afterSale).toEqual(awaiting.afterSale);
  });
});
