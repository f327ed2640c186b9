import { DecisionView } from '@govern/contracts-common';
import {
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  CareCaseBuyerToldEvent,
  CareCasePlatformSteppedInEvent,
  CareCaseStatus,
  CareKind,
  EntrySide,
  MerchantAnswer,
  TrackingScanType,
} from '@govern/contracts-consumer-experience';
import { NEW_BUYER_CARE_POLICY, RETURN_FEE_POLICY } from '@govern/consumer-experience-domain';
import { HOUR, MINUTE } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { useCareWorld } from './testing/care-world';
import { failureOf, rearmCareTimers } from './testing/service-fixture';

/**
 * Return shipping a merchant owes a new buyer (issue 19), over real gRPC, PostgreSQL and NATS. A
 * return for the merchant's fault costs the buyer nothing, and the return-shipping insurance pays at
 * most 25 yuan: on a 40-yuan parcel the merchant owes the other 15. Unpaid a day after the return
 * shipped, the merchant is nudged; three days after, the fund pays and recovers it from the deposit.
 * The returns here ship two hours before the platform records them.
 */
describe('new-buyer care: return shipping owed (gRPC + Postgres + NATS)', () => {
  const world = useCareWorld();

  const feeCases = async (orderId: string) =>
    (await world.f.client.listCareCases({ orderId, buyerId: '', merchantId: '', pageSize: 50, pageToken: '' })).careCases.filter((c) => c.kind === CareKind.CARE_KIND_RETURN_FEE_UNSETTLED);
  const afterSaleOf = async (afterSaleId: string) => (await world.f.client.getAfterSale({ afterSaleId })).afterSale;
  const depositOf = async (merchantId: string) => (await world.f.client.getMerchantDeposit({ merchantId })).deposit?.balanceFen;

  /** A delivered order of a buyer, returned for `reason` in a 40-yuan parcel that has arrived back at the merchant (refunded). */
  const returnedOrder = async (merchantId: string, buyerId: string, reason: AfterSaleReason, shippingFeeFen = 4_000n) => {
    const orderId = await world.f.recordOrder({ buyerId, merchantId, amountFen: 10_000n });
    const forward = world.f.id('SF');
    await world.f.client.recordShipment({ requestId: world.f.id('req'), orderId, trackingNumber: forward, carrierCode: 'SF', shippedAt: world.f.clock.now(), afterSaleId: '' });
    for (const scanType of [TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED]) {
      await world.f.client.recordTrackingScan({ requestId: world.f.id('req'), trackingNumber: forward, carrierCode: 'SF', scanType, scannedAt: world.f.clock.now(), location: '' });
    }
    const requested = await world.f.client.requestAfterSale({
      requestId: world.f.id('req'),
      orderId,
      buyerId,
      type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
      reason,
      amountFen: 10_000n,
      description: '',
      evidenceRefs: [],
      goodsUnsealed: true,
    });
    const afterSaleId = requested.afterSale?.afterSaleId ?? '';
    if (requested.afterSale?.status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT) {
      await world.f.client.respondAfterSale({ requestId: world.f.id('req'), afterSaleId, merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_ACCEPT, note: '', evidenceRefs: [] });
    }
    // The buyer shipped it an hour after asking; the carrier's record reaches the platform two hours after that.
    world.f.clock.advance(3 * HOUR);
    const back = world.f.id('RT');
    const shippedAt = new Date(world.f.clock.now().getTime() - 2 * HOUR);
    const shipped = await world.f.client.recordReturnShipment({ requestId: world.f.id('req'), afterSaleId, trackingNumber: back, carrierCode: 'SF', shippedAt, shippingFeeFen });
    for (const scanType of [TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED]) {
      await world.f.client.recordTrackingScan({ requestId: world.f.id('req'), trackingNumber: back, carrierCode: 'SF', scanType, scannedAt: world.f.clock.now(), location: '' });
    }
    expect((await afterSaleOf(afterSaleId))?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    return { orderId, afterSaleId, shipped: shipped.afterSale };
  };

  it('unpaid past the second bound: the fund pays the buyer the 15 yuan, recovered from the deposit; timers firing twice pay nothing more', async () => {
    const merchantId = 'merchant-fee-unpaid';
    await world.f.client.depositMerchantFunds({ requestId: world.f.id('req'), merchantId, amountFen: 50_000n, paymentRef: 'bank-fee-1' });
    const buyerId = world.f.id('new-buyer');
    const { orderId, afterSaleId, shipped } = await returnedOrder(merchantId, buyerId, AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT);
    expect(shipped?.insurance?.amountFen).toBe(2_500n);
    expect(shipped?.returnFee).toMatchObject({ owedFen: 1_500n, settledBy: '', policy: { name: RETURN_FEE_POLICY.name, version: RETURN_FEE_POLICY.version } });
    expect(shipped?.returnFee?.reasons.map((r) => r.code)).toEqual(['RETURN_FEE.MERCHANT_OWES']);
    expect(shipped?.returnFee?.settleTime).toBeUndefined();

    // The bounds run from when the return shipped: the nudge a day after it, 22 h after it was recorded.
    world.f.clock.advance(22 * HOUR - MINUTE);
    await world.f.sut.runDueJobs();
    expect(await feeCases(orderId)).toEqual([]);
    world.f.clock.advance(2 * MINUTE);
    await world.f.sut.runDueJobs();
    const [opened] = await feeCases(orderId);
    expect(opened).toMatchObject({ status: CareCaseStatus.CARE_CASE_STATUS_OPEN, afterSaleId, policy: { version: NEW_BUYER_CARE_POLICY.version } });
    expect(opened?.stepInDueTime).toEqual(new Date(world.f.clock.now().getTime() - MINUTE + 48 * HOUR));
    expect(opened?.steps[0]?.reasons.map((r) => r.code)).toEqual(['CARE.RETURN_FEE_UNSETTLED', 'CARE.MERCHANT_NUDGED']);
    const before = await depositOf(merchantId);

    world.f.clock.advance(48 * HOUR);
    await world.f.sut.runDueJobs();
    const [resolved] = await feeCases(orderId);
    expect(resolved).toMatchObject({ caseId: opened?.caseId, status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_PLATFORM, paidFen: 1_500n, compensationId: '' });
    expect(resolved?.steps[1]?.reasons.map((r) => r.code)).toEqual(['CARE.RETURN_FEE_UNSETTLED', 'CARE.PLATFORM_PAYS_RETURN_FEE']);
    const fee = (await afterSaleOf(afterSaleId))?.returnFee;
    expect(fee).toMatchObject({ owedFen: 1_500n, settledBy: 'PLATFORM', settleTime: world.f.clock.now() });
    // One balanced transaction: the fund paid the buyer and recovered the 15 yuan from the deposit at once.
    const entries = (await world.f.client.listLedgerEntries({ account: '', orderId, pageSize: 100, pageToken: '' })).entries.filter((e) => e.transactionId === fee?.ledgerTransactionId);
    expect(entries.map((e) => [e.account, e.side, e.amountFen]).sort()).toEqual(
      [
        ['BUYER_PAYOUT', EntrySide.ENTRY_SIDE_CREDIT, 1_500n],
        ['FUND', EntrySide.ENTRY_SIDE_DEBIT, 1_500n],
        [`MERCHANT_DEPOSIT:${merchantId}`, EntrySide.ENTRY_SIDE_DEBIT, 1_500n],
        ['FUND', EntrySide.ENTRY_SIDE_CREDIT, 1_500n],
      ].sort(),
    );
    expect(await depositOf(merchantId)).toBe((before ?? 0n) - 1_500n);
    const [stepped] = await world.events.waitFor(CareCasePlatformSteppedInEvent, 1);
    expect(stepped).toMatchObject({ caseId: opened?.caseId, kind: CareKind.CARE_KIND_RETURN_FEE_UNSETTLED, paidFen: 1_500n });
    await expect
      .poll(() => world.events.of(CareCaseBuyerToldEvent).filter((e) => e.caseId === opened?.caseId).map((e) => [e.status, e.paidFen]), { timeout: 10_000 })
      .toEqual([
        [CareCaseStatus.CARE_CASE_STATUS_OPEN, 0n],
        [CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_PLATFORM, 1_500n],
      ]);
    const { decisions } = await world.ops.listDecisions({ kind: 'new-buyer-care', subject: { type: 'care_case', id: opened?.caseId ?? '' }, view: DecisionView.DECISION_VIEW_FULL });
    expect(decisions.map((d) => d.outcome).sort()).toEqual(['OPEN_AND_NUDGE', 'PLATFORM_STEPS_IN']);

    // Timers firing twice, and the merchant paying late: nothing is paid a second time.
    await rearmCareTimers(world.f);
    expect(await feeCases(orderId)).toHaveLength(1);
    expect(await depositOf(merchantId)).toBe((before ?? 0n) - 1_500n);
    const late = await failureOf(world.f.client.settleReturnShippingFee({ requestId: world.f.id('req'), afterSaleId, merchantId }));
    expect(late).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'RETURN_FEE.ALREADY_SETTLED' });
    expect(world.events.of(CareCasePlatformSteppedInEvent).filter((e) => e.caseId === opened?.caseId)).toHaveLength(1);
  });

  it('the merchant pays after the nudge: the case resolves at once, the step-in timer finds it resolved; a repeat of the call returns the same answer', async () => {
    const merchantId = 'merchant-fee-paid';
    await world.f.client.depositMerchantFunds({ requestId: world.f.id('req'), merchantId, amountFen: 50_000n, paymentRef: 'bank-fee-2' });
    const { orderId, afterSaleId } = await returnedOrder(merchantId, world.f.id('new-buyer'), AfterSaleReason.AFTER_SALE_REASON_NOT_AS_DESCRIBED);
    world.f.clock.advance(22 * HOUR + MINUTE);
    await world.f.sut.runDueJobs();
    const [opened] = await feeCases(orderId);
    expect(opened?.status).toBe(CareCaseStatus.CARE_CASE_STATUS_OPEN);

    const stranger = await failureOf(world.f.client.settleReturnShippingFee({ requestId: world.f.id('req'), afterSaleId, merchantId: 'someone-else' }));
    expect(stranger).toMatchObject({ codeName: 'PERMISSION_DENIED', reason: 'RETURN_FEE.NOT_THE_MERCHANT' });
    const request = { requestId: world.f.id('req'), afterSaleId, merchantId };
    const paid = await world.f.client.settleReturnShippingFee(request);
    expect(paid.afterSale?.returnFee).toMatchObject({ owedFen: 1_500n, settledBy: 'MERCHANT', settleTime: world.f.clock.now() });
    expect(await world.f.client.settleReturnShippingFee(request)).toEqual(paid);
    const [resolved] = await feeCases(orderId);
    expect(resolved).toMatchObject({ caseId: opened?.caseId, status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT, paidFen: 0n, resolveTime: world.f.clock.now() });
    const entries = (await world.f.client.listLedgerEntries({ account: '', orderId, pageSize: 100, pageToken: '' })).entries.filter((e) => e.transactionId === paid.afterSale?.returnFee?.ledgerTransactionId);
    expect(entries.map((e) => [e.account, e.side, e.amountFen]).sort()).toEqual(
      [
        [`MERCHANT_SETTLEMENT:${merchantId}`, EntrySide.ENTRY_SIDE_DEBIT, 1_500n],
        ['BUYER_PAYOUT', EntrySide.ENTRY_SIDE_CREDIT, 1_500n],
      ].sort(),
    );

    const deposit = await depositOf(merchantId);
    world.f.clock.advance(48 * HOUR);
    await world.f.sut.runDueJobs();
    expect((await feeCases(orderId))[0]).toMatchObject({ status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT, paidFen: 0n, resolveTime: resolved?.resolveTime });
    expect((await feeCases(orderId))[0]?.steps).toHaveLength(2);
    expect(await depositOf(merchantId)).toBe(deposit);
  });

  it('a no-reason return owes no freight (the buyer’s), opens no case, and the call says so; bad input is refused field by field', async () => {
    const merchantId = 'merchant-fee-none';
    const { orderId, afterSaleId, shipped } = await returnedOrder(merchantId, world.f.id('new-buyer'), AfterSaleReason.AFTER_SALE_REASON_NO_REASON_7_DAYS);
    expect(shipped?.returnFee).toMatchObject({ owedFen: 0n, settledBy: '' });
    expect(shipped?.returnFee?.reasons.map((r) => r.code)).toEqual(['RETURN_FEE.BUYER_BEARS']);
    world.f.clock.advance(4 * 24 * HOUR);
    await world.f.sut.runDueJobs();
    expect(await feeCases(orderId)).toEqual([]);
    const none = await failureOf(world.f.client.settleReturnShippingFee({ requestId: world.f.id('req'), afterSaleId, merchantId }));
    expect(none).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'RETURN_FEE.NONE_OWED' });
    const unknown = await failureOf(world.f.client.settleReturnShippingFee({ requestId: world.f.id('req'), afterSaleId: 'no-such-after-sale', merchantId }));
    expect(unknown.codeName).toBe('NOT_FOUND');
    const bad = await failureOf(world.f.client.settleReturnShippingFee({ requestId: '', afterSaleId: '', merchantId: '' }));
    expect(bad.codeName).toBe('INVALID_ARGUMENT');
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(['after_sale_id', 'merchant_id', 'request_id']);
  });
});
