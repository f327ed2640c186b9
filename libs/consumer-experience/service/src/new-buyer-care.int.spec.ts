import { DecisionView } from '@govern/contracts-common';
import {
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  CareCaseBuyerToldEvent,
  CareCaseMerchantNudgedEvent,
  CareCasePlatformSteppedInEvent,
  CareCaseStatus,
  CareKind,
  CompensationCause,
  MerchantAnswer,
  OrderStatus,
  TrackingScanType,
} from '@govern/contracts-consumer-experience';
import { NEW_BUYER_CARE_POLICY } from '@govern/consumer-experience-domain';
import { DAY, HOUR, MINUTE } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { useCareWorld } from './testing/care-world';
import { failureOf, rearmCareTimers } from './testing/service-fixture';

/**
 * Proactive care for new buyers over real gRPC, PostgreSQL and NATS (issue 19). Orders are paid an
 * hour before the clock (the fixture's default): the dispatch promise runs out 47 h later, the
 * merchant is nudged 12 h before it and the platform steps in 24 h after it.
 */
describe('new-buyer care (gRPC + Postgres + NATS)', () => {
  const world = useCareWorld();

  const casesOf = async (orderId: string) => (await world.f.client.listCareCases({ orderId, buyerId: '', merchantId: '', pageSize: 50, pageToken: '' })).careCases;
  const compensationsOf = async (orderId: string) =>
    (await world.f.client.listCompensations({ orderId, buyerId: '', merchantId: '', cause: 0, pageSize: 50, pageToken: '' })).compensations;
  const shipAndScan = async (orderId: string): Promise<void> => {
    const trackingNumber = world.f.id('SF');
    await world.f.client.recordShipment({ requestId: world.f.id('req'), orderId, trackingNumber, carrierCode: 'SF', shippedAt: world.f.clock.now(), afterSaleId: '' });
    await world.f.client.recordTrackingScan({ requestId: world.f.id('req'), trackingNumber, carrierCode: 'SF', scanType: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, scannedAt: world.f.clock.now(), location: '' });
  };

  it('a new buyer’s order stuck before dispatch: a case opens, the merchant is nudged, the platform refunds from the fund and recovers from the deposit', async () => {
    const merchantId = 'merchant-care';
    await world.f.client.depositMerchantFunds({ requestId: world.f.id('req'), merchantId, amountFen: 100_000n, paymentRef: 'bank-care-1' });
    const buyerId = world.f.id('new-buyer');
    const orderId = await world.f.recordOrder({ buyerId, merchantId, amountFen: 10_000n });

    world.f.clock.advance(35 * HOUR + MINUTE);
    await world.f.sut.runDueJobs();
    const [opened] = await casesOf(orderId);
    expect(opened).toMatchObject({ kind: CareKind.CARE_KIND_DISPATCH_STUCK, status: CareCaseStatus.CARE_CASE_STATUS_OPEN, buyerId, merchantId, paidFen: 0n });
    expect(opened?.policy).toEqual({ name: NEW_BUYER_CARE_POLICY.name, version: NEW_BUYER_CARE_POLICY.version });
    expect(opened?.steps.map((s) => s.step)).toEqual(['NUDGED']);
    expect(opened?.steps[0]?.reasons.map((r) => r.code)).toEqual(['CARE.NOT_DISPATCHED', 'CARE.MERCHANT_NUDGED']);
    const [nudged] = await world.events.waitFor(CareCaseMerchantNudgedEvent, 1);
    expect(nudged).toMatchObject({ caseId: opened?.caseId, merchantId, kind: CareKind.CARE_KIND_DISPATCH_STUCK, stepInDueTime: opened?.stepInDueTime });
    expect((await world.events.waitFor(CareCaseBuyerToldEvent, 1))[0]).toMatchObject({ buyerId, status: CareCaseStatus.CARE_CASE_STATUS_OPEN });

    // Past the promise the late-dispatch clock compensates as before; past the second bound the platform steps in.
    world.f.clock.advance(37 * HOUR);
    await world.f.sut.runDueJobs();
    const { careCase } = await world.f.client.getCareCase({ caseId: opened?.caseId ?? '' });
    expect(careCase).toMatchObject({ status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_PLATFORM, paidFen: 10_000n });
    expect(careCase?.steps.map((s) => s.step)).toEqual(['NUDGED', 'PLATFORM_STEPPED_IN']);
    expect(careCase?.steps[1]?.reasons.map((r) => r.code)).toEqual(['CARE.NOT_DISPATCHED', 'CARE.PLATFORM_REFUNDS_ORDER']);
    const care = (await compensationsOf(orderId)).find((c) => c.cause === CompensationCause.COMPENSATION_CAUSE_NEW_BUYER_CARE);
    expect(care).toMatchObject({ compensationId: careCase?.compensationId, amountFen: 10_000n, recoveredFen: 10_000n, outstandingFen: 0n, triggeredBy: 'system', evidenceRef: opened?.caseId });
    expect(care?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['CARE.NOT_DISPATCHED', 'COMPENSATION.NEW_BUYER_CARE', 'COMPENSATION.RECOVERY']));
    expect((await world.f.client.getOrder({ orderId })).order?.status).toBe(OrderStatus.ORDER_STATUS_REFUNDED);
    // The deposit paid the late-dispatch compensation (30 yuan) and the care refund (100 yuan).
    expect((await world.f.client.getMerchantDeposit({ merchantId })).deposit?.balanceFen).toBe(100_000n - 3_000n - 10_000n);
    const recovery = (await world.f.client.listLedgerEntries({ account: `MERCHANT_DEPOSIT:${merchantId}`, orderId: '', pageSize: 100, pageToken: '' })).entries;
    expect(recovery.some((e) => e.transactionId === care?.ledgerTransactionId)).toBe(true);
    const [stepped] = await world.events.waitFor(CareCasePlatformSteppedInEvent, 1);
    expect(stepped).toMatchObject({ caseId: opened?.caseId, compensationId: care?.compensationId, paidFen: 10_000n });
    const told = (await world.events.waitFor(CareCaseBuyerToldEvent, 2)).filter((e) => e.caseId === opened?.caseId);
    expect(told.map((e) => e.status)).toEqual([CareCaseStatus.CARE_CASE_STATUS_OPEN, CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_PLATFORM]);

    // Each step is a decision with its reasons and policy version.
    const { decisions } = await world.ops.listDecisions({ subject: { type: 'care_case', id: opened?.caseId ?? '' }, view: DecisionView.DECISION_VIEW_FULL });
    expect(decisions.map((d) => d.kind)).toEqual(['new-buyer-care', 'new-buyer-care']);
    expect(decisions.every((d) => d.policy?.version === NEW_BUYER_CARE_POLICY.version)).toBe(true);

    // Timers firing twice change nothing: no second case, payment, or event.
    await rearmCareTimers(world.f);
    expect(await casesOf(orderId)).toHaveLength(1);
    expect((await compensationsOf(orderId)).filter((c) => c.cause === CompensationCause.COMPENSATION_CAUSE_NEW_BUYER_CARE)).toHaveLength(1);
    expect((await world.f.client.getMerchantDeposit({ merchantId })).deposit?.balanceFen).toBe(87_000n);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.events.of(CareCasePlatformSteppedInEvent).filter((e) => e.caseId === opened?.caseId)).toHaveLength(1);
    expect(world.events.of(CareCaseMerchantNudgedEvent).filter((e) => e.orderId === orderId)).toHaveLength(1);
  });

  it('a buyer who is not new: the same stuck order opens no case', async () => {
    const buyerId = world.f.id('veteran');
    const merchantId = 'merchant-veteran';
    for (let i = 0; i < NEW_BUYER_CARE_POLICY.newBuyer.firstOrders; i += 1) await shipAndScan(await world.f.recordOrder({ buyerId, merchantId }));
    const orderId = await world.f.recordOrder({ buyerId, merchantId });
    world.f.clock.advance(4 * DAY);
    await world.f.sut.runDueJobs();
    expect(await casesOf(orderId)).toEqual([]);
    expect((await world.f.client.listCareCases({ orderId: '', buyerId, merchantId: '', pageSize: 50, pageToken: '' })).careCases).toEqual([]);
    expect((await compensationsOf(orderId)).map((c) => c.cause)).toEqual([CompensationCause.COMPENSATION_CAUSE_LATE_DISPATCH]);
  });

  const decisionsOf = async (caseId: string) => (await world.ops.listDecisions({ kind: 'new-buyer-care', subject: { type: 'care_case', id: caseId }, view: DecisionView.DECISION_VIEW_FULL })).decisions;
  const toldOf = (caseId: string) => world.events.of(CareCaseBuyerToldEvent).filter((e) => e.caseId === caseId);

  it('a merchant that ships after the nudge resolves the case at once; the step-in timer then finds it resolved and pays nothing', async () => {
    const buyerId = world.f.id('new-buyer');
    const merchantId = 'merchant-moves';
    const orderId = await world.f.recordOrder({ buyerId, merchantId });
    world.f.clock.advance(36 * HOUR);
    await world.f.sut.runDueJobs();
    const [opened] = await casesOf(orderId);
    expect(opened?.status).toBe(CareCaseStatus.CARE_CASE_STATUS_OPEN);
    const caseId = opened?.caseId ?? '';
    await shipAndScan(orderId);
    // Resolved by the dispatch itself, no timer run: when it happened, why, under which policy, and the buyer told.
    const [resolved] = await casesOf(orderId);
    expect(resolved).toMatchObject({ caseId, status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT, paidFen: 0n, compensationId: '', resolveTime: world.f.clock.now() });
    expect(resolved?.steps.map((s) => [s.step, s.reasons.map((r) => r.code)])).toEqual([
      ['NUDGED', ['CARE.NOT_DISPATCHED', 'CARE.MERCHANT_NUDGED']],
      ['RESOLVED_BY_MERCHANT', ['CARE.MOVED_ON']],
    ]);
    const recheck = (await decisionsOf(caseId)).find((d) => d.outcome === 'NOT_STUCK');
    expect(recheck).toMatchObject({ policy: { version: NEW_BUYER_CARE_POLICY.version } });
    expect(recheck?.inputJson).toContain('"step":"RECHECK"');
    await expect.poll(() => toldOf(caseId).map((e) => e.status), { timeout: 10_000 }).toEqual([
      CareCaseStatus.CARE_CASE_STATUS_OPEN,
      CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT,
    ]);

    // Past the second bound the step-in timer fires (twice, too) and finds the case resolved: nothing more happens.
    world.f.clock.advance(2 * DAY);
    await world.f.sut.runDueJobs();
    await rearmCareTimers(world.f);
    const [after] = await casesOf(orderId);
    expect(after).toMatchObject({ status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT, resolveTime: resolved?.resolveTime });
    expect(after?.steps).toHaveLength(2);
    expect(await decisionsOf(caseId)).toHaveLength(2);
    // The scan came in time: the logistics watch opened nothing either.
    expect(await casesOf(orderId)).toHaveLength(1);
    expect(await compensationsOf(orderId)).toEqual([]);
    // A sentinel behind the timers' events: another new buyer's case, opened and resolved by its dispatch.
    const sentinel = await world.f.recordOrder({ buyerId: world.f.id('sentinel-buyer'), merchantId });
    world.f.clock.advance(36 * HOUR);
    await world.f.sut.runDueJobs();
    await shipAndScan(sentinel);
    const sentinelCase = (await casesOf(sentinel))[0]?.caseId ?? '';
    await expect.poll(() => toldOf(sentinelCase).map((e) => e.status), { timeout: 10_000 }).toContain(CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT);
    expect(toldOf(caseId)).toHaveLength(2);
  });

  it('a late first carrier scan resolves the logistics case at once, before the platform would step in', async () => {
    const buyerId = world.f.id('new-buyer');
    const orderId = await world.f.recordOrder({ buyerId, merchantId: 'merchant-late-scan', amountFen: 5_000n });
    const trackingNumber = world.f.id('ZT');
    await world.f.client.recordShipment({ requestId: world.f.id('req'), orderId, trackingNumber, carrierCode: 'ZT', shippedAt: world.f.clock.now(), afterSaleId: '' });
    world.f.clock.advance(12 * HOUR + MINUTE);
    await world.f.sut.runDueJobs();
    const [opened] = await casesOf(orderId);
    expect(opened).toMatchObject({ kind: CareKind.CARE_KIND_NO_LOGISTICS_SCAN, status: CareCaseStatus.CARE_CASE_STATUS_OPEN });
    world.f.clock.advance(8 * HOUR);
    await world.f.client.recordTrackingScan({ requestId: world.f.id('req'), trackingNumber, carrierCode: 'ZT', scanType: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, scannedAt: world.f.clock.now(), location: '' });
    const [resolved] = await casesOf(orderId);
    expect(resolved).toMatchObject({ caseId: opened?.caseId, status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT, resolveTime: world.f.clock.now(), paidFen: 0n });
    world.f.clock.advance(3 * DAY);
    await world.f.sut.runDueJobs();
    expect((await casesOf(orderId))[0]).toMatchObject({ status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT, paidFen: 0n });
    expect((await compensationsOf(orderId)).filter((c) => c.cause === CompensationCause.COMPENSATION_CAUSE_NEW_BUYER_CARE)).toEqual([]);
  });

  it('a refund request the merchant accepts after the nudge: the case resolves with the refund, not at the step-in', async () => {
    const buyerId = world.f.id('new-buyer');
    const merchantId = 'merchant-refunds';
    const orderId = await world.f.recordOrder({ buyerId, merchantId, amountFen: 6_000n });
    await shipAndScan(orderId);
    const { afterSale } = await world.f.client.requestAfterSale({
      requestId: world.f.id('req'),
      orderId,
      buyerId,
      type: AfterSaleType.AFTER_SALE_TYPE_REFUND_ONLY,
      reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
      amountFen: 6_000n,
      description: '',
      evidenceRefs: [],
      goodsUnsealed: true,
      buyerTrustScore: 5,
    });
    expect(afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT);
    world.f.clock.advance(24 * HOUR + MINUTE);
    await world.f.sut.runDueJobs();
    const [opened] = await casesOf(orderId);
    expect(opened).toMatchObject({ kind: CareKind.CARE_KIND_REFUND_PENDING, status: CareCaseStatus.CARE_CASE_STATUS_OPEN });
    await world.f.client.respondAfterSale({
      requestId: world.f.id('req'),
      afterSaleId: afterSale?.afterSaleId ?? '',
      merchantId,
      answer: MerchantAnswer.MERCHANT_ANSWER_ACCEPT,
      note: '',
      evidenceRefs: [],
    });
    expect((await casesOf(orderId))[0]).toMatchObject({ caseId: opened?.caseId, status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT, resolveTime: world.f.clock.now() });
    world.f.clock.advance(2 * DAY);
    await world.f.sut.runDueJobs();
    expect((await casesOf(orderId))[0]).toMatchObject({ status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_MERCHANT, paidFen: 0n });
    expect(await compensationsOf(orderId)).toEqual([]);
  });

  it('a parcel with no carrier scan after dispatch: nudged at 12 h, refunded by the platform at 72 h', async () => {
    const buyerId = world.f.id('new-buyer');
    const merchantId = 'merchant-no-scan';
    const orderId = await world.f.recordOrder({ buyerId, merchantId, amountFen: 5_000n });
    await world.f.client.recordShipment({ requestId: world.f.id('req'), orderId, trackingNumber: world.f.id('YT'), carrierCode: 'YT', shippedAt: world.f.clock.now(), afterSaleId: '' });
    world.f.clock.advance(12 * HOUR + MINUTE);
    await world.f.sut.runDueJobs();
    expect((await casesOf(orderId)).map((c) => [c.kind, c.status])).toEqual([[CareKind.CARE_KIND_NO_LOGISTICS_SCAN, CareCaseStatus.CARE_CASE_STATUS_OPEN]]);
    world.f.clock.advance(60 * HOUR);
    await world.f.sut.runDueJobs();
    const [resolved] = await casesOf(orderId);
    expect(resolved).toMatchObject({ status: CareCaseStatus.CARE_CASE_STATUS_RESOLVED_BY_PLATFORM, paidFen: 5_000n });
    // The deposit was empty: the fund paid and the merchant owes it (a receivable), with a top-up requested.
    const [care] = (await compensationsOf(orderId)).filter((c) => c.cause === CompensationCause.COMPENSATION_CAUSE_NEW_BUYER_CARE);
    expect(care).toMatchObject({ amountFen: 5_000n, recoveredFen: 0n, outstandingFen: 5_000n });
  });

  it('reads refuse bad input; the fund refuses care payments asked for by hand; the report counts the cases', async () => {
    expect((await failureOf(world.f.client.getCareCase({ caseId: 'no-such-case' }))).codeName).toBe('NOT_FOUND');
    const list = await failureOf(world.f.client.listCareCases({ orderId: '', buyerId: '', merchantId: '', pageSize: 0, pageToken: '' }));
    expect(list.fieldViolations).toEqual([expect.objectContaining({ field: 'order_id', reason: 'REQUIRED' })]);
    const orderId = await world.f.recordOrder({ buyerId: world.f.id('buyer') });
    const byHand = await failureOf(
      world.f.client.payAdvanceCompensation({ requestId: world.f.id('req'), orderId, cause: CompensationCause.COMPENSATION_CAUSE_NEW_BUYER_CARE, afterSaleId: '', operatorId: 'op-1', evidenceRef: '', note: '' }),
    );
    expect(byHand).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'COMPENSATION.CARE_ONLY' });

    // Windows are half-open: the last case resolved at the clock's now, so the window runs a minute past it.
    const { stats } = await world.f.client.getGovernanceStats({ window: { startTime: new Date(world.f.clock.now().getTime() - 30 * DAY), endTime: new Date(world.f.clock.now().getTime() + MINUTE) } });
    expect(stats).toMatchObject({ careCasesOpened: 6n, careCasesResolved: 6n, careCasesResolvedByPlatform: 2n });
  });
});
