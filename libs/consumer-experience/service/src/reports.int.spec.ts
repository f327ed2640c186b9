import {
  AfterSaleReason,
  ComplaintCategory,
  ComplaintFiledEvent,
  ComplaintStatus,
  ComplaintTargetType,
  ContentAttributionReportedEvent,
  FulfilmentType,
  MerchantAnswer,
  MerchantServiceMetricsReportedEvent,
  ProductServiceStatsReportedEvent,
  TrackingScanType,
  type FileComplaintRequest,
} from '@govern/contracts-consumer-experience';
import type { EventCollector } from '@govern/platform-service-testing';
import { METRICS_POLICY } from '@govern/consumer-experience-domain';
import { DAY, HOUR, MINUTE } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { failureOf, START, type Fixture, useCollectingFixture } from './testing/service-fixture';

/**
 * One merchant's month on a fresh database, so every figure can be counted by hand:
 * o1 shipped on time, delivered, reviewed 5 stars (video-1); o2 never shipped (late, compensated);
 * o3 refunded before dispatch by fast refund (video-1); o4 a pre-sale still within its promise;
 * o5 shipped, a quality after-sale the merchant accepted after 2 hours.
 */
describe('complaints, service metrics and governance stats (gRPC + Postgres + NATS)', () => {
  let f: Fixture;
  let events: EventCollector;
  const merchantId = 'merchant-m';
  const ids: Record<string, string> = {};
  useCollectingFixture((suite) => ({ f, events } = suite), { ledgerBalancedAfterEach: true });

  const complaint = (overrides: Partial<FileComplaintRequest>): FileComplaintRequest => ({
    requestId: f.id('req'),
    buyerId: 'buyer-o1',
    targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT,
    targetId: 'video-1',
    orderId: '',
    merchantId: '',
    category: ComplaintCategory.COMPLAINT_CATEGORY_MISLEADING_CLAIM,
    text: '主播说“最好用”',
    evidenceRefs: [],
    ...overrides,
  });

  const scan = (trackingNumber: string, scanType: TrackingScanType) =>
    f.client.recordTrackingScan({ requestId: f.id('req'), trackingNumber, carrierCode: 'SF', scanType, scannedAt: f.clock.now(), location: '' });

  it('routes complaints to the owning service by event, deriving merchant, product and content from the order', async () => {
    for (const n of [1, 2, 3, 5]) {
      ids[`o${n}`] = await f.recordOrder({
        orderId: `o${n}`,
        merchantId,
        buyerId: `buyer-o${n}`,
        productId: 'product-p',
        ...(n === 1 || n === 3 ? { attributedContentId: 'video-1', attributedCreatorId: 'creator-c' } : {}),
      });
    }
    ids['o4'] = await f.recordOrder({
      orderId: 'o4',
      merchantId,
      buyerId: 'buyer-o4',
      productId: 'product-p2',
      fulfilment: FulfilmentType.FULFILMENT_TYPE_PRE_SALE,
      promisedDispatchAt: new Date(f.clock.now().getTime() + 5 * DAY),
    });

    const content = await f.client.fileComplaint(complaint({ orderId: 'o1' }));
    expect(content.complaint).toMatchObject({ routedTo: 'content', merchantId, status: ComplaintStatus.COMPLAINT_STATUS_ROUTED });
    const service = await f.client.fileComplaint(
      complaint({ buyerId: 'buyer-o2', targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_SERVICE, targetId: 'o2', orderId: 'o2', category: ComplaintCategory.COMPLAINT_CATEGORY_LOGISTICS }),
    );
    expect(service.complaint).toMatchObject({ routedTo: 'consumer-experience', status: ComplaintStatus.COMPLAINT_STATUS_RESOLVED });
    const product = await f.client.fileComplaint(
      complaint({ buyerId: 'buyer-x', targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_PRODUCT, targetId: 'product-p', merchantId, category: ComplaintCategory.COMPLAINT_CATEGORY_QUALITY }),
    );
    expect(product.complaint?.routedTo).toBe('product-quality');
    const merchant = await f.client.fileComplaint(
      complaint({ buyerId: 'buyer-y', targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_MERCHANT, targetId: merchantId, category: ComplaintCategory.COMPLAINT_CATEGORY_SERVICE_ATTITUDE }),
    );
    expect(merchant.complaint?.routedTo).toBe('merchant-access');

    const filed = await events.waitFor(ComplaintFiledEvent, 4);
    expect(filed.find((e) => e.complaintId === content.complaint?.complaintId)).toMatchObject({
      targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT,
      targetId: 'video-1',
      merchantId,
      orderId: 'o1',
      productId: 'product-p',
      contentId: 'video-1',
      buyerId: 'buyer-o1',
    });
    const { complaints } = await f.client.listComplaints({ targetType: 0, targetId: '', merchantId, buyerId: '', pageSize: 3, pageToken: '' });
    expect(complaints).toHaveLength(3);
    const { complaint: fetched } = await f.client.getComplaint({ complaintId: merchant.complaint?.complaintId ?? '' });
    expect(fetched?.targetId).toBe(merchantId);
  });

  it('refuses malformed complaints with every violation, and complaints about orders of others', async () => {
    const bad = await failureOf(
      f.client.fileComplaint(complaint({ buyerId: '', targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_SERVICE, targetId: '', text: '', category: 0 })),
    );
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(['buyer_id', 'category', 'order_id', 'target_id', 'text']);
    const tooLong = await failureOf(f.client.fileComplaint(complaint({ text: 'x'.repeat(2001) })));
    expect(tooLong.fieldViolations).toEqual([expect.objectContaining({ field: 'text', reason: 'TOO_LONG' })]);
    const stranger = await failureOf(f.client.fileComplaint(complaint({ buyerId: 'buyer-o2', orderId: 'o1' })));
    expect(stranger.fieldViolations).toEqual([expect.objectContaining({ field: 'buyer_id', reason: 'NOT_ORDER_OWNER' })]);
    expect((await failureOf(f.client.fileComplaint(complaint({ orderId: 'no-such-order' })))).codeName).toBe('NOT_FOUND');
  });

  it('reports merchant, product and content figures once per period, not once per fact', async () => {
    // o1: shipped, picked up, delivered, reviewed.
    const t1 = f.id('SF');
    await f.client.recordShipment({ requestId: f.id('req'), orderId: 'o1', trackingNumber: t1, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
    await scan(t1, TrackingScanType.TRACKING_SCAN_TYPE_PICKUP);
    await scan(t1, TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED);
    await f.client.recordReview({ requestId: f.id('req'), orderId: 'o1', buyerId: 'buyer-o1', rating: 5, text: '好' });
    // o3: refunded before dispatch.
    await f.client.requestAfterSale(f.afterSaleRequest({ orderId: 'o3', buyerId: 'buyer-o3' }));
    // o5: shipped, delivered, a quality after-sale the merchant accepts after two hours.
    const t5 = f.id('SF');
    await f.client.recordShipment({ requestId: f.id('req'), orderId: 'o5', trackingNumber: t5, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
    await scan(t5, TrackingScanType.TRACKING_SCAN_TYPE_PICKUP);
    await scan(t5, TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED);
    const notDelivered = await failureOf(f.client.recordReview({ requestId: f.id('req'), orderId: 'o2', buyerId: 'buyer-o2', rating: 1, text: '' }));
    expect(notDelivered.reason).toBe('REVIEW.NOT_DELIVERED');
    const { afterSale } = await f.client.requestAfterSale(
      f.afterSaleRequest({ orderId: 'o5', buyerId: 'buyer-o5', reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT, amountFen: 2_000n, buyerTrustScore: 10 }),
    );
    f.clock.advance(2 * HOUR);
    await f.client.respondAfterSale({ requestId: f.id('req'), afterSaleId: afterSale?.afterSaleId ?? '', merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_ACCEPT, note: '', evidenceRefs: [] });

    // Everything so far fell in earlier periods: their reports come due; one per subject per period.
    f.clock.advance(15 * MINUTE);
    await f.sut.runDueJobs();
    const merchantReports = await events.waitFor(MerchantServiceMetricsReportedEvent, 2);
    await events.waitFor(ContentAttributionReportedEvent, 1);
    await events.waitFor(ProductServiceStatsReportedEvent, 1);
    // Facts fell in two 15-minute periods (at the start, and the answer two hours later): two reports, not one per fact.
    const ofMerchant = merchantReports.filter((e) => e.merchantId === merchantId);
    expect(ofMerchant).toHaveLength(2);
    expect(ofMerchant.at(-1)).toMatchObject({ orders: 5n, afterSales: 2n, qualityReturns: 1n, complaints: 4n, positiveReviews: 1n, avgResponseMinutes: 120 });
    const content = events.of(ContentAttributionReportedEvent).filter((e) => e.contentId === 'video-1').at(-1);
    expect(content).toMatchObject({ creatorId: 'creator-c', orders: 2n, refunds: 1n, complaints: 1n, refundRate: 0.5, complaintRate: 0.5 });
    const product = events.of(ProductServiceStatsReportedEvent).filter((e) => e.productId === 'product-p').at(-1);
    expect(product).toMatchObject({ merchantId, orders: 4n, qualityReturns: 1n, complaints: 3n, positiveReviews: 1n });

    // Nothing new happened: no new reports.
    const before = events.of(MerchantServiceMetricsReportedEvent).length;
    f.clock.advance(30 * MINUTE);
    await f.sut.runDueJobs();
    expect(events.of(MerchantServiceMetricsReportedEvent).length).toBe(before);
  });

  it('computes merchant metrics and governance figures from the database', async () => {
    // Past o2's deadline (late, compensated); o4's pre-sale promise still runs.
    f.clock.set(new Date(new Date(START).getTime() + 3 * DAY));
    await f.sut.runDueJobs();
    const { metrics } = await f.client.getMerchantServiceMetrics({ merchantId });
    expect(metrics).toMatchObject({
      orders: 5n,
      inStockOrdersDue: 3n, // o1, o2, o5 (o3 was cancelled before its deadline)
      dispatchedWithin48h: 2n,
      lateDispatches: 1n,
      fakeShipments: 0n,
      afterSales: 2n,
      avgResponseMinutes: 120,
      complaints: 4n,
      qualityReturns: 1n,
      positiveReviews: 1n,
      negativeReviews: 0n,
    });
    expect(metrics?.dispatchWithin48hRate).toBeCloseTo(2 / 3);
    expect(metrics?.qualityReturnRate).toBeCloseTo(1 / 5);

    const window = { startTime: new Date('2026-10-25T00:00:00Z'), endTime: new Date('2026-11-20T00:00:00Z') };
    const { stats } = await f.client.getGovernanceStats({ window });
    expect(stats).toMatchObject({
      orders: 5n,
      preSaleOrders: 1n,
      inStockOrdersDue: 3n,
      dispatchedWithin48h: 2n,
      lateDispatches: 1n,
      afterSales: 2n,
      fastRefunds: 1n,
      fastRefundShare: 0.5,
      preDispatchAfterSales: 1n,
      preDispatchFastRefunds: 1n,
      preDispatchFastRefundShare: 1,
      refundedFen: 12_000n,
      compensations: 1n,
      compensationPaidFen: 3_000n,
      compensationRecoveredFen: 0n,
      complaints: 4n,
    });
    expect(stats?.complaintsByTarget.map((c) => [ComplaintTargetType[c.targetType], c.count])).toEqual([
      ['COMPLAINT_TARGET_TYPE_CONTENT', 1n],
      ['COMPLAINT_TARGET_TYPE_PRODUCT', 1n],
      ['COMPLAINT_TARGET_TYPE_MERCHANT', 1n],
      ['COMPLAINT_TARGET_TYPE_SERVICE', 1n],
    ]);
    const empty = await f.client.getGovernanceStats({ window: { startTime: new Date('2025-01-01T00:00:00Z'), endTime: new Date('2025-02-01T00:00:00Z') } });
    expect(empty.stats).toMatchObject({ orders: 0n, dispatchWithin48hRate: 1, fastRefundShare: 0 });
    const noWindow = await failureOf(f.client.getGovernanceStats({}));
    expect(noWindow.fieldViolations).toEqual([expect.objectContaining({ field: 'window', reason: 'REQUIRED' })]);
    const backwards = await failureOf(f.client.getGovernanceStats({ window: { startTime: new Date('2026-10-28T00:00:00Z'), endTime: window.startTime } }));
    expect(backwards.fieldViolations).toEqual([expect.objectContaining({ field: 'window.end_time', reason: 'OUT_OF_RANGE' })]);
  });

  it('refuses stats windows no report can mean: one that has not begun, one longer than the policy allows', async () => {
    const now = f.clock.now();
    const notBegun = { startTime: new Date(now.getTime() + DAY), endTime: new Date(now.getTime() + 2 * DAY) };
    for (const call of [f.client.getGovernanceStats({ window: notBegun }), f.client.getMerchantServiceMetrics({ merchantId: 'merchant-1', window: notBegun })]) {
      expect((await failureOf(call)).fieldViolations).toEqual([expect.objectContaining({ field: 'window.start_time', reason: 'IN_FUTURE' })]);
    }
    const centuries = { startTime: new Date('1900-01-01T00:00:00Z'), endTime: now };
    const tooLong = await failureOf(f.client.getGovernanceStats({ window: centuries }));
    expect(tooLong.fieldViolations).toEqual([expect.objectContaining({ field: 'window.end_time', reason: 'OUT_OF_RANGE' })]);
    // The longest window allowed still answers.
    const year = { startTime: new Date(now.getTime() - METRICS_POLICY.maxWindowMs), endTime: now };
    expect((await f.client.getGovernanceStats({ window: year })).stats?.window?.endTime).toEqual(now);
  });
});
