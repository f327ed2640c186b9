import { DAY, HOUR, MINUTE } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import {
  contentAttributionStats,
  governanceStats,
  merchantServiceMetrics,
  merchantServiceMetricsFromCounts,
  productServiceStats,
  type AfterSaleFact,
  type ComplaintFact,
  type OrderFact,
  type ReviewFact,
} from './service-metrics';

const start = new Date('2026-10-01T00:00:00Z');
const at = (ms: number) => new Date(start.getTime() + ms);
const window = { start, end: at(30 * DAY) };
const now = at(31 * DAY);

const order = (id: string, over: Partial<OrderFact> = {}): OrderFact => {
  const paidAt = over.paidAt ?? at(DAY);
  return {
    orderId: id,
    merchantId: 'm-1',
    productId: 'p-1',
    fulfilment: 'IN_STOCK',
    amountFen: 10_000n,
    paidAt,
    dispatchDueAt: new Date(paidAt.getTime() + 48 * HOUR),
    shippedAt: new Date(paidAt.getTime() + 10 * HOUR),
    fakeShipment: false,
    refundedFen: 0n,
    ...over,
  };
};

const afterSale = (id: string, orderId: string, over: Partial<AfterSaleFact> = {}): AfterSaleFact => ({
  afterSaleId: id,
  orderId,
  merchantId: 'm-1',
  reason: 'OTHER',
  createdAt: at(5 * DAY),
  requestedBeforeDispatch: false,
  merchantAnswerRequired: true,
  merchantResponseDueAt: at(7 * DAY),
  respondedAt: at(5 * DAY + 2 * HOUR),
  escalated: false,
  fastRefunded: false,
  ...over,
});

const orders: OrderFact[] = [
  order('o-1', { contentId: 'v-1', creatorId: 'c-1' }),
  order('o-2', { contentId: 'v-1', creatorId: 'c-1', refundedFen: 10_000n }),
  order('o-3', { shippedAt: at(DAY + 50 * HOUR) }), // late
  order('o-4', { shippedAt: undefined }), // never dispatched: late
  order('o-5', { fakeShipment: true, productId: 'p-2' }),
  order('o-6', { fulfilment: 'PRE_SALE', dispatchDueAt: at(10 * DAY), shippedAt: at(9 * DAY) }),
  order('o-7', { paidAt: at(29 * DAY + 12 * HOUR), shippedAt: undefined }), // clock still running at window end
  order('o-8', { merchantId: 'm-2', shippedAt: undefined }),
];
const afterSales: AfterSaleFact[] = [
  afterSale('as-1', 'o-2', { reason: 'QUALITY_DEFECT', fastRefunded: true, merchantAnswerRequired: false, respondedAt: undefined }),
  afterSale('as-2', 'o-3', { respondedAt: undefined }), // silent: counts the full 48 h
  afterSale('as-3', 'o-5', { reason: 'NOT_AS_DESCRIBED', escalated: true, disputeOutcome: 'BUYER_FAVOURED', disputeDecidedAt: at(8 * DAY) }),
  afterSale('as-4', 'o-4', { requestedBeforeDispatch: true, fastRefunded: true, merchantAnswerRequired: false, respondedAt: undefined }),
];
const complaints: ComplaintFact[] = [
  { complaintId: 'c-1', targetType: 'CONTENT', targetId: 'v-1', createdAt: at(6 * DAY) },
  { complaintId: 'c-2', targetType: 'SERVICE', targetId: 'o-1', orderId: 'o-1', merchantId: 'm-1', createdAt: at(6 * DAY) },
  { complaintId: 'c-3', targetType: 'PRODUCT', targetId: 'p-2', orderId: 'o-5', merchantId: 'm-1', createdAt: at(7 * DAY) },
  { complaintId: 'c-4', targetType: 'MERCHANT', targetId: 'm-1', merchantId: 'm-1', createdAt: at(40 * DAY) }, // outside
];
const reviews: ReviewFact[] = [
  { orderId: 'o-1', rating: 5, createdAt: at(4 * DAY) },
  { orderId: 'o-2', rating: 1, createdAt: at(4 * DAY) },
  { orderId: 'o-3', rating: 3, createdAt: at(4 * DAY) },
];

describe('merchantServiceMetrics', () => {
  const m = merchantServiceMetrics('m-1', window, { orders, afterSales, complaints, reviews }, now);

  it('counts the 48 h dispatch rate over in-stock orders whose clock has run out', () => {
    // o-1, o-2, o-5 on time; o-3 late; o-4 never; o-7's deadline is past the window end.
    expect(m.inStockOrdersDue).toBe(5);
    expect(m.dispatchedWithin48h).toBe(3);
    expect(m.dispatchWithin48hRate).toBeCloseTo(0.6);
  });

  it('counts late dispatches (any fulfilment) and fake shipments', () => {
    expect(m.lateDispatches).toBe(2);
    expect(m.fakeShipments).toBe(1);
  });

  it('averages response time, counting silence as the full 48 h and ignoring fast-refunded requests', () => {
    expect(m.afterSales).toBe(4);
    expect(m.avgResponseMinutes).toBeCloseTo((48 * 60 + 2 * 60) / 2);
  });

  it('reports dispute, complaint and quality-return rates over the orders paid', () => {
    expect(m.orders).toBe(7);
    expect(m).toMatchObject({ disputes: 1, disputesLost: 1, complaints: 2, qualityReturns: 2 });
    expect(m.qualityReturnRate).toBeCloseTo(2 / 7);
    expect(m.complaintRate).toBeCloseTo(2 / 7);
    expect(m).toMatchObject({ positiveReviews: 1, negativeReviews: 1 });
  });

  it('does not judge the dispatch of an order cancelled (refunded in full) before it shipped', () => {
    const cancelled = order('o-9', { shippedAt: undefined, cancelledBeforeDispatch: true });
    const withCancelled = merchantServiceMetrics('m-1', window, { orders: [...orders, cancelled], afterSales, complaints, reviews }, now);
    expect(withCancelled).toMatchObject({ inStockOrdersDue: m.inStockOrdersDue, lateDispatches: m.lateDispatches, orders: m.orders + 1 });
  });

  it('derives the same metrics from counts as from facts (the service aggregates counts in SQL)', () => {
    expect(
      merchantServiceMetricsFromCounts('m-1', window, {
        orders: m.orders,
        inStockOrdersDue: m.inStockOrdersDue,
        dispatchedWithin48h: m.dispatchedWithin48h,
        lateDispatches: m.lateDispatches,
        fakeShipments: m.fakeShipments,
        afterSales: m.afterSales,
        responseMinutesTotal: 48 * 60 + 2 * 60,
        responses: 2,
        disputes: m.disputes,
        disputesLost: m.disputesLost,
        complaints: m.complaints,
        qualityReturns: m.qualityReturns,
        positiveReviews: m.positiveReviews,
        negativeReviews: m.negativeReviews,
      }),
    ).toEqual(m);
  });

  it('gives a perfect dispatch rate, not a division by zero, to a merchant with nothing due', () => {
    const empty = merchantServiceMetrics('m-9', window, { orders, afterSales, complaints, reviews }, now);
    expect(empty).toMatchObject({ orders: 0, dispatchWithin48hRate: 1, complaintRate: 0, avgResponseMinutes: 0 });
  });
});

describe('contentAttributionStats', () => {
  it('reports refund and complaint rates of the orders a content item drove', () => {
    expect(contentAttributionStats(window, { orders, complaints })).toEqual([
      { contentId: 'v-1', creatorId: 'c-1', orders: 2, refunds: 1, complaints: 2, refundRate: 0.5, complaintRate: 1 },
    ]);
  });
});

describe('productServiceStats', () => {
  it('reports quality returns, complaints and reviews per product', () => {
    const stats = productServiceStats(window, { orders, afterSales, complaints, reviews });
    expect(stats.find((s) => s.productId === 'p-1')).toMatchObject({ orders: 7, qualityReturns: 1, complaints: 1, positiveReviews: 1, negativeReviews: 1 });
    expect(stats.find((s) => s.productId === 'p-2')).toMatchObject({ orders: 1, qualityReturns: 1, complaints: 1 });
  });
});

describe('governanceStats', () => {
  it('reports fast-refund shares overall and before dispatch, dispatch, money and complaints', () => {
    const s = governanceStats(
      window,
      {
        orders,
        afterSales,
        complaints,
        refunds: [
          { orderId: 'o-2', amountFen: 10_000n, fast: true, issuedAt: at(5 * DAY) },
          { orderId: 'o-4', amountFen: 10_000n, fast: true, issuedAt: at(5 * DAY + MINUTE) },
          { orderId: 'o-1', amountFen: 999n, fast: false, issuedAt: at(45 * DAY) },
        ],
        compensations: [{ orderId: 'o-5', cause: 'DISPUTE_UNPAID', amountFen: 10_000n, recoveredFen: 6_000n, paidAt: at(11 * DAY) }],
        insurance: [{ afterSaleId: 'as-3', amountFen: 1_200n, settledAt: at(9 * DAY) }],
      },
      now,
    );
    expect(s).toMatchObject({
      orders: 8,
      preSaleOrders: 1,
      afterSales: 4,
      fastRefunds: 2,
      fastRefundShare: 0.5,
      preDispatchAfterSales: 1,
      preDispatchFastRefunds: 1,
      preDispatchFastRefundShare: 1,
      refundedFen: 20_000n,
      insuranceSettlements: 1,
      insurancePaidFen: 1_200n,
      disputesDecided: 1,
      compensations: 1,
      compensationPaidFen: 10_000n,
      compensationRecoveredFen: 6_000n,
      complaints: 3,
      complaintsByTarget: { CONTENT: 1, PRODUCT: 1, MERCHANT: 0, SERVICE: 1 },
      lateDispatches: 3,
      inStockOrdersDue: 6,
      dispatchedWithin48h: 3,
    });
    expect(s.dispatchWithin48hRate).toBeCloseTo(0.5);
  });
});
