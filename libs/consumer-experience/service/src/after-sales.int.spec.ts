import {
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  CompensationCause,
  DisputeOutcome,
  DisputeParty,
  FastRefundOutcome,
  MerchantAnswer,
  MerchantDepositTopUpRequestedEvent,
  OrderStatus,
  RefundIssuedEvent,
  RefundSource,
  ReturnExemption,
  TrackingScanType,
  type RequestAfterSaleRequest,
} from '@govern/contracts-consumer-experience';
import type { EventCollector } from '@govern/platform-service-testing';
import { DAY, HOUR } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { failureOf, type Fixture, useCollectingFixture } from './testing/service-fixture';

describe('after-sales, fast refund and the refund invariants (gRPC + Postgres + NATS)', () => {
  let f: Fixture;
  let events: EventCollector;
  useCollectingFixture((suite) => ({ f, events } = suite), { ledgerBalancedAfterEach: true });

  /** Each order gets its own buyer: one test's refunds must not make another's buyer look abusive. */
  const buyers = new Map<string, string>();
  const newOrder = async (overrides: Parameters<Fixture['recordOrder']>[0] = {}): Promise<string> => {
    const buyerId = overrides.buyerId ?? f.id('buyer');
    const orderId = await f.recordOrder({ ...overrides, buyerId });
    buyers.set(orderId, buyerId);
    return orderId;
  };

  const afterSaleRequest = (orderId: string, overrides: Partial<RequestAfterSaleRequest> = {}): RequestAfterSaleRequest =>
    f.afterSaleRequest({ orderId, buyerId: buyers.get(orderId) ?? 'unknown-buyer', ...overrides });

  const ship = async (orderId: string, options: { pickup?: boolean; deliver?: boolean } = {}): Promise<string> => {
    const trackingNumber = f.id('SF');
    await f.client.recordShipment({ requestId: f.id('req'), orderId, trackingNumber, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
    const scan = (scanType: TrackingScanType) =>
      f.client.recordTrackingScan({ requestId: f.id('req'), trackingNumber, carrierCode: 'SF', scanType, scannedAt: f.clock.now(), location: 'Shenzhen' });
    if (options.pickup || options.deliver) await scan(TrackingScanType.TRACKING_SCAN_TYPE_PICKUP);
    if (options.deliver) await scan(TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED);
    return trackingNumber;
  };

  const refundTransactions = async (orderId: string): Promise<string[]> => {
    const { entries } = await f.client.listLedgerEntries({ account: '', orderId, pageSize: 1000, pageToken: '' });
    return [...new Set(entries.filter((e) => e.memo.startsWith('REFUND')).map((e) => e.transactionId))];
  };

  it('refunds a pre-dispatch request at once, explained with the policy version', async () => {
    const orderId = await newOrder({ merchantId: 'merchant-fast' });
    const { afterSale, refund } = await f.client.requestAfterSale(afterSaleRequest(orderId));
    expect(afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    expect(afterSale?.requestedBeforeDispatch).toBe(true);
    expect(afterSale?.fastRefund).toMatchObject({
      outcome: FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED,
      preDispatch: true,
      refundFen: 10_000n,
      policy: { name: 'consumer-fast-refund', version: '2026-11-01.1' },
    });
    expect(afterSale?.fastRefund?.reasons.map((r) => r.code)).toEqual(['FAST_REFUND.PRE_DISPATCH', 'FAST_REFUND.BUYER_HISTORY_OK']);
    expect(afterSale?.policy).toEqual({ name: 'consumer-after-sale', version: '2026-11-01.1' });
    expect(refund).toMatchObject({ amountFen: 10_000n, fast: true, source: RefundSource.REFUND_SOURCE_MERCHANT, afterSaleId: afterSale?.afterSaleId });
    expect((await f.client.getOrder({ orderId })).order).toMatchObject({ refundedFen: 10_000n, status: OrderStatus.ORDER_STATUS_REFUNDED });
    const issued = await events.waitFor(RefundIssuedEvent, 1);
    expect(issued.filter((e) => e.orderId === orderId)).toEqual([expect.objectContaining({ fast: true, amountFen: 10_000n })]);
    // Refunded before dispatch: the dispatch clock stopped, so no late-dispatch compensation follows.
    f.clock.advance(3 * DAY);
    await f.sut.runDueJobs();
    expect((await f.client.getOrder({ orderId })).order?.lateDispatch).toBe(false);
  });

  it('100 concurrent identical refund requests pay once', async () => {
    const orderId = await newOrder();
    const request = afterSaleRequest(orderId);
    const responses = await Promise.all(Array.from({ length: 100 }, () => f.client.requestAfterSale(request)));
    expect(new Set(responses.map((r) => r.refund?.refundId)).size).toBe(1);
    expect(new Set(responses.map((r) => r.afterSale?.afterSaleId)).size).toBe(1);
    expect(await refundTransactions(orderId)).toHaveLength(1);
    expect((await f.client.getOrder({ orderId })).order?.refundedFen).toBe(10_000n);
    const { afterSales } = await f.client.listAfterSales({ orderId, buyerId: '', merchantId: '', status: 0, pageSize: 0, pageToken: '' });
    expect(afterSales).toHaveLength(1);
  });

  it('100 different refund requests that together would over-refund pay up to the price; the rest are refused', async () => {
    const orderId = await newOrder({ amountFen: 10_000n });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, () => f.client.requestAfterSale(afterSaleRequest(orderId, { amountFen: 1_000n }))),
    );
    const paid = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = await Promise.all(outcomes.filter((o) => o.status === 'rejected').map((o) => failureOf(Promise.reject(o.reason))));
    expect(paid).toHaveLength(10);
    expect(refused).toHaveLength(90);
    expect(new Set(refused.map((r) => r.codeName))).toEqual(new Set(['FAILED_PRECONDITION']));
    expect(new Set(refused.map((r) => r.reason))).toEqual(new Set(['AFTER_SALE.ORDER_REFUNDED']));
    expect((await f.client.getOrder({ orderId })).order?.refundedFen).toBe(10_000n);
    expect(await refundTransactions(orderId)).toHaveLength(10);
  });

  it('refuses bad requests with a clear status and writes nothing', async () => {
    const orderId = await newOrder({ amountFen: 10_000n });
    const overPaid = await failureOf(f.client.requestAfterSale(afterSaleRequest(orderId, { amountFen: 10_001n })));
    expect([overPaid.codeName, overPaid.fieldViolations.map((v) => v.reason)]).toEqual(['INVALID_ARGUMENT', ['REFUND_EXCEEDS_PAID']]);
    const zero = await failureOf(f.client.requestAfterSale(afterSaleRequest(orderId, { amountFen: 0n, type: 0, reason: 0 })));
    expect(zero.fieldViolations.map((v) => v.field).sort()).toEqual(['amount_fen', 'reason', 'type']);
    const stranger = await failureOf(f.client.requestAfterSale(afterSaleRequest(orderId, { buyerId: 'someone-else' })));
    expect(stranger.fieldViolations).toEqual([expect.objectContaining({ field: 'buyer_id', reason: 'NOT_ORDER_OWNER' })]);
    const unknown = await failureOf(f.client.requestAfterSale(afterSaleRequest('no-such-order')));
    expect([unknown.codeName, unknown.reason]).toEqual(['NOT_FOUND', 'ORDER.NOT_FOUND']);
    const trust = await failureOf(f.client.requestAfterSale(afterSaleRequest(orderId, { buyerTrustScore: 101 })));
    expect(trust.fieldViolations).toEqual([expect.objectContaining({ field: 'buyer_trust_score' })]);

    const { afterSales } = await f.client.listAfterSales({ orderId, buyerId: '', merchantId: '', status: 0, pageSize: 0, pageToken: '' });
    expect(afterSales).toHaveLength(0);
    expect(await refundTransactions(orderId)).toHaveLength(0);
  });

  it('a return granted fast refund on pickup: insurance settles when the return ships, the refund when the carrier picks it up', async () => {
    const orderId = await newOrder();
    await ship(orderId, { deliver: true });
    const { afterSale } = await f.client.requestAfterSale(
      afterSaleRequest(orderId, { type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND, reason: AfterSaleReason.AFTER_SALE_REASON_NO_REASON_7_DAYS }),
    );
    expect(afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_RETURN);
    expect(afterSale?.fastRefund?.outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED_ON_PICKUP);
    const afterSaleId = afterSale?.afterSaleId ?? '';
    const returnTracking = f.id('RT');
    const shipped = await f.client.recordReturnShipment({
      requestId: f.id('req'),
      afterSaleId,
      trackingNumber: returnTracking,
      carrierCode: 'SF',
      shippedAt: f.clock.now(),
      shippingFeeFen: 800n,
    });
    expect(shipped.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_RETURN_IN_TRANSIT);
    expect(shipped.afterSale?.insurance).toMatchObject({ amountFen: 800n, policy: { name: 'consumer-return-insurance', version: '2026-11-01.1' } });
    expect(shipped.afterSale?.refunds).toEqual([]);

    const picked = await f.client.recordTrackingScan({
      requestId: f.id('req'),
      trackingNumber: returnTracking,
      carrierCode: 'SF',
      scanType: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP,
      scannedAt: f.clock.now(),
      location: 'Hangzhou',
    });
    expect(picked.refund).toMatchObject({ amountFen: 10_000n, fast: true });
    const delivered = await f.client.recordTrackingScan({
      requestId: f.id('req'),
      trackingNumber: returnTracking,
      carrierCode: 'SF',
      scanType: TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED,
      scannedAt: f.clock.now(),
      location: 'Shenzhen',
    });
    expect(delivered.refund).toBeUndefined();
    expect(delivered.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    expect(delivered.afterSale?.refunds).toHaveLength(1);
    expect(delivered.afterSale?.history.map((h) => AfterSaleStatus[h.status])).toEqual([
      'AFTER_SALE_STATUS_AWAITING_RETURN',
      'AFTER_SALE_STATUS_RETURN_IN_TRANSIT',
      'AFTER_SALE_STATUS_RETURN_IN_TRANSIT',
      'AFTER_SALE_STATUS_REFUNDED',
    ]);
    const { entries } = await f.client.listLedgerEntries({ account: 'RETURN_INSURANCE', orderId, pageSize: 0, pageToken: '' });
    expect(entries).toEqual([expect.objectContaining({ amountFen: 800n, memo: 'RETURN_INSURANCE.SETTLE' })]);
  });

  it('the 7-day no-reason window closes and legal exemptions apply', async () => {
    const late = await newOrder();
    await ship(late, { deliver: true });
    f.clock.advance(8 * DAY);
    const closed = await failureOf(
      f.client.requestAfterSale(afterSaleRequest(late, { type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND, reason: AfterSaleReason.AFTER_SALE_REASON_NO_REASON_7_DAYS })),
    );
    expect([closed.codeName, closed.reason]).toEqual(['FAILED_PRECONDITION', 'AFTER_SALE.NO_REASON_WINDOW_CLOSED']);
    const fresh = await newOrder({ categoryCode: 'food.fresh.fruit', returnExemptions: [ReturnExemption.RETURN_EXEMPTION_CUSTOM_MADE] });
    await ship(fresh, { deliver: true });
    const exempt = await failureOf(
      f.client.requestAfterSale(afterSaleRequest(fresh, { type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND, reason: AfterSaleReason.AFTER_SALE_REASON_NO_REASON_7_DAYS })),
    );
    expect(exempt.reason).toBe('AFTER_SALE.NO_REASON_EXEMPT.CUSTOM_MADE');
    expect(exempt.message).toMatch(/excluded/);
  });

  it('a merchant that stays silent for 48 h: the platform accepts and the refund is paid', async () => {
    const orderId = await newOrder({ merchantId: 'merchant-silent' });
    await ship(orderId, { deliver: true });
    const { afterSale } = await f.client.requestAfterSale(
      afterSaleRequest(orderId, { reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT, amountFen: 4_000n, buyerTrustScore: 30 }),
    );
    expect(afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT);
    expect(afterSale?.fastRefund?.outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_DENIED);
    expect(afterSale?.fastRefund?.reasons.map((r) => r.code)).toContain('FAST_REFUND.LOW_TRUST');
    expect(afterSale?.merchantResponseDueAt).toEqual(new Date(f.clock.now().getTime() + 48 * HOUR));
    const afterSaleId = afterSale?.afterSaleId ?? '';
    const second = await failureOf(f.client.requestAfterSale(afterSaleRequest(orderId, { reason: AfterSaleReason.AFTER_SALE_REASON_OTHER, amountFen: 1_000n })));
    expect(second.reason).toBe('AFTER_SALE.ALREADY_OPEN');

    f.clock.advance(48 * HOUR);
    await f.sut.runDueJobs();
    const { afterSale: decided } = await f.client.getAfterSale({ afterSaleId });
    expect(decided?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    expect(decided?.refunds).toEqual([expect.objectContaining({ amountFen: 4_000n, fast: false, source: RefundSource.REFUND_SOURCE_MERCHANT })]);
    expect(decided?.history.at(-1)?.reasons.map((r) => r.code)).toEqual(['AFTER_SALE.MERCHANT_SILENT']);
    const late = await failureOf(
      f.client.respondAfterSale({ requestId: f.id('req'), afterSaleId, merchantId: 'merchant-silent', answer: MerchantAnswer.MERCHANT_ANSWER_REJECT, note: 'too late', evidenceRefs: [] }),
    );
    expect([late.codeName, late.reason]).toEqual(['FAILED_PRECONDITION', 'AFTER_SALE.INVALID_TRANSITION']);
  });

  it('a dispute the merchant loses and does not pay within 48 h: the fund pays the buyer first and recovers from the deposit', async () => {
    const merchantId = 'merchant-dispute';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 250_000n, paymentRef: f.id('bank') });
    const orderId = await newOrder({ merchantId, amountFen: 60_000n });
    await ship(orderId, { deliver: true });
    const { afterSale } = await f.client.requestAfterSale(
      afterSaleRequest(orderId, { reason: AfterSaleReason.AFTER_SALE_REASON_NOT_AS_DESCRIBED, amountFen: 60_000n, buyerTrustScore: 50 }),
    );
    const afterSaleId = afterSale?.afterSaleId ?? '';
    expect(afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT);
    const wrongMerchant = await failureOf(
      f.client.respondAfterSale({ requestId: f.id('req'), afterSaleId, merchantId: 'other', answer: MerchantAnswer.MERCHANT_ANSWER_ACCEPT, note: '', evidenceRefs: [] }),
    );
    expect(wrongMerchant.codeName).toBe('PERMISSION_DENIED');
    const noNote = await failureOf(
      f.client.respondAfterSale({ requestId: f.id('req'), afterSaleId, merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_REJECT, note: '', evidenceRefs: [] }),
    );
    expect(noNote.fieldViolations).toEqual([expect.objectContaining({ field: 'note', reason: 'REQUIRED' })]);
    await f.client.respondAfterSale({ requestId: f.id('req'), afterSaleId, merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_REJECT, note: 'as described', evidenceRefs: [] });
    await f.client.escalateDispute({ requestId: f.id('req'), afterSaleId, escalatedBy: DisputeParty.DISPUTE_PARTY_BUYER, statement: 'colour differs', evidenceRefs: [] });
    // The platform-wide dispute queue: no order, buyer or merchant, only the status.
    const disputeQueue = async () =>
      (await f.client.listAfterSales({ orderId: '', buyerId: '', merchantId: '', status: AfterSaleStatus.AFTER_SALE_STATUS_IN_DISPUTE, pageSize: 500, pageToken: '' })).afterSales;
    const queued = await disputeQueue();
    expect(queued.map((a) => a.afterSaleId)).toContain(afterSaleId);
    expect(new Set(queued.map((a) => a.status))).toEqual(new Set([AfterSaleStatus.AFTER_SALE_STATUS_IN_DISPUTE]));
    const unbounded = await failureOf(f.client.listAfterSales({ orderId: '', buyerId: '', merchantId: '', status: 0, pageSize: 0, pageToken: '' }));
    expect(unbounded.fieldViolations).toEqual([expect.objectContaining({ field: 'status', reason: 'REQUIRED' })]);
    const ruled = await f.client.decideDispute({
      requestId: f.id('req'),
      afterSaleId,
      outcome: DisputeOutcome.DISPUTE_OUTCOME_BUYER_FAVOURED,
      awardFen: 0n,
      operatorId: 'op-7',
      reasons: [{ code: 'DISPUTE.LISTING_MISMATCH', message: 'Photos differ from the listing', evidence: {}, weight: 0 }],
    });
    expect(ruled.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT_PAYMENT);
    expect((await disputeQueue()).map((a) => a.afterSaleId)).not.toContain(afterSaleId);
    expect(ruled.afterSale?.dispute).toMatchObject({ awardFen: 60_000n, decidedBy: 'op-7', merchantPaymentDueAt: new Date(f.clock.now().getTime() + 48 * HOUR) });
    const early = await failureOf(
      f.client.payAdvanceCompensation({
        requestId: f.id('req'),
        orderId,
        cause: CompensationCause.COMPENSATION_CAUSE_DISPUTE_UNPAID,
        afterSaleId,
        operatorId: 'op-7',
        evidenceRef: '',
        note: '',
      }),
    );
    expect(early.reason).toBe('COMPENSATION.AWARD_NOT_YET_DUE');

    f.clock.advance(48 * HOUR);
    await f.sut.runDueJobs();
    const { afterSale: settled } = await f.client.getAfterSale({ afterSaleId });
    expect(settled?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    expect(settled?.refunds).toEqual([expect.objectContaining({ amountFen: 60_000n, source: RefundSource.REFUND_SOURCE_FUND })]);
    const { compensations } = await f.client.listCompensations({ orderId, buyerId: '', merchantId: '', cause: 0, pageSize: 0, pageToken: '' });
    expect(compensations).toEqual([
      expect.objectContaining({ cause: CompensationCause.COMPENSATION_CAUSE_DISPUTE_UNPAID, amountFen: 60_000n, recoveredFen: 60_000n, outstandingFen: 0n, afterSaleId }),
    ]);
    const { deposit } = await f.client.getMerchantDeposit({ merchantId });
    // 2,500 yuan held, 600 recovered: 1,900 left, below the 2,000 default minimum.
    expect(deposit).toMatchObject({ balanceFen: 190_000n, owedFen: 0n, topUpRequested: true, topUpRequestedFen: 10_000n });
    const topUps = await events.waitFor(MerchantDepositTopUpRequestedEvent, 1);
    expect(topUps.filter((e) => e.merchantId === merchantId)).toEqual([expect.objectContaining({ requestedFen: 10_000n })]);
    const { entries } = await f.client.listLedgerEntries({ account: `MERCHANT_DEPOSIT:${merchantId}`, orderId: '', pageSize: 0, pageToken: '' });
    const balance = entries.reduce((sum, e) => sum + (e.side === 2 ? e.amountFen : -e.amountFen), 0n);
    expect(balance).toBe(deposit?.balanceFen);
  });

  it('an exchange: the merchant accepts, the return ships insured (capped), the replacement ships; no money moves', async () => {
    const merchantId = 'merchant-exchange';
    const orderId = await newOrder({ merchantId });
    const forward = await ship(orderId, { deliver: true });
    const { afterSale, refund } = await f.client.requestAfterSale(
      afterSaleRequest(orderId, { type: AfterSaleType.AFTER_SALE_TYPE_EXCHANGE, reason: AfterSaleReason.AFTER_SALE_REASON_WRONG_ITEM, amountFen: 0n }),
    );
    expect(refund).toBeUndefined();
    expect(afterSale?.fastRefund?.outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_NOT_APPLICABLE);
    const afterSaleId = afterSale?.afterSaleId ?? '';
    await f.client.respondAfterSale({ requestId: f.id('req'), afterSaleId, merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_ACCEPT, note: '', evidenceRefs: [] });
    const returned = await f.client.recordReturnShipment({
      requestId: f.id('req'),
      afterSaleId,
      trackingNumber: f.id('RT'),
      carrierCode: 'SF',
      shippedAt: f.clock.now(),
      shippingFeeFen: 3_000n,
    });
    expect(returned.afterSale?.insurance?.amountFen).toBe(2_500n);
    const early = await failureOf(
      f.client.recordReturnShipment({ requestId: f.id('req'), afterSaleId, trackingNumber: f.id('RT'), carrierCode: 'SF', shippedAt: f.clock.now(), shippingFeeFen: 0n }),
    );
    expect(early.reason).toBe('AFTER_SALE.INVALID_TRANSITION');
    const replacement = f.id('SF');
    const shipped = await f.client.recordShipment({ requestId: f.id('req'), orderId, trackingNumber: replacement, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId });
    expect(shipped.order?.shipment?.trackingNumber).toBe(forward);
    expect((await f.client.getAfterSale({ afterSaleId })).afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_EXCHANGED);
    expect((await f.client.getOrder({ orderId })).order?.refundedFen).toBe(0n);
  });

  it('a partial ruling: the merchant pays the award by accepting it', async () => {
    const merchantId = 'merchant-partial';
    const orderId = await newOrder({ merchantId, amountFen: 6_000n });
    await ship(orderId, { deliver: true });
    const { afterSale } = await f.client.requestAfterSale(
      afterSaleRequest(orderId, { reason: AfterSaleReason.AFTER_SALE_REASON_MISSING_PARTS, amountFen: 6_000n, buyerTrustScore: 20 }),
    );
    const afterSaleId = afterSale?.afterSaleId ?? '';
    await f.client.escalateDispute({ requestId: f.id('req'), afterSaleId, escalatedBy: DisputeParty.DISPUTE_PARTY_BUYER, statement: 'no answer', evidenceRefs: [] });
    const tooMuch = await failureOf(
      f.client.decideDispute({ requestId: f.id('req'), afterSaleId, outcome: DisputeOutcome.DISPUTE_OUTCOME_PARTIAL, awardFen: 7_000n, operatorId: 'op-1', reasons: [] }),
    );
    expect(tooMuch.fieldViolations).toEqual([expect.objectContaining({ field: 'award_fen', reason: 'AWARD_EXCEEDS_REQUEST' })]);
    await f.client.decideDispute({ requestId: f.id('req'), afterSaleId, outcome: DisputeOutcome.DISPUTE_OUTCOME_PARTIAL, awardFen: 3_000n, operatorId: 'op-1', reasons: [] });
    const paid = await f.client.respondAfterSale({ requestId: f.id('req'), afterSaleId, merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_ACCEPT, note: '', evidenceRefs: [] });
    expect(paid.refund).toMatchObject({ amountFen: 3_000n, source: RefundSource.REFUND_SOURCE_MERCHANT });
    expect(paid.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    // The award was paid: the payment deadline passing later costs the fund nothing.
    f.clock.advance(3 * DAY);
    await f.sut.runDueJobs();
    const { compensations } = await f.client.listCompensations({ orderId, buyerId: '', merchantId: '', cause: 0, pageSize: 0, pageToken: '' });
    expect(compensations.filter((c) => c.cause === CompensationCause.COMPENSATION_CAUSE_DISPUTE_UNPAID)).toEqual([]);
  });
});
