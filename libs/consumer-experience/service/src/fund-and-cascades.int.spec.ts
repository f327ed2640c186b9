import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type EventMeta } from '@govern/contracts-common';
import {
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  CompensationCause,
  CompensationPaidEvent,
  FastRefundOutcome,
  OrderStatus,
  RefundSource,
  TrackingScanType,
} from '@govern/contracts-consumer-experience';
import {
  MerchantOnboarded,
  MerchantOnboardedEvent,
  MerchantReinstated,
  MerchantReinstatedEvent,
  MerchantRemoved,
  MerchantRemovedEvent,
  MerchantSanctioned,
  MerchantSanctionedEvent,
  MerchantStatus,
  SanctionKind,
  StoreExperienceScoreChanged,
  StoreExperienceScoreChangedEvent,
} from '@govern/contracts-merchant-access';
import { DefectClass, InspectionFailed, InspectionFailedEvent } from '@govern/contracts-product-quality';
import type { EventCollector } from '@govern/platform-service-testing';
import { DAY, HOUR } from '@govern/policy-core';
import { describe, expect, it, vi } from 'vitest';
import { expectLedgerBalanced, failureOf, startFixture, type Fixture, useCollectingFixture } from './testing/service-fixture';

describe('consumer protection fund and cascades (gRPC + Postgres + NATS)', () => {
  let f: Fixture;
  let events: EventCollector;
  useCollectingFixture((suite) => ({ f, events } = suite), { ledgerBalancedAfterEach: true });

  const meta = (eventId = randomUUID()): EventMeta => ({ eventId, occurredAt: f.clock.now(), causationId: eventId, correlationId: eventId });

  /** Polls until the check passes: consumers act asynchronously. */
  const eventually = async <T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > until) throw error;
        await sleep(50);
      }
    }
  };

  const compensationsOf = async (filter: { orderId?: string; merchantId?: string }) =>
    (await f.client.listCompensations({ orderId: filter.orderId ?? '', buyerId: '', merchantId: filter.merchantId ?? '', cause: 0, pageSize: 500, pageToken: '' }))
      .compensations;

  const ship = async (orderId: string): Promise<void> => {
    const trackingNumber = f.id('SF');
    await f.client.recordShipment({ requestId: f.id('req'), orderId, trackingNumber, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
    for (const scanType of [TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED]) {
      await f.client.recordTrackingScan({ requestId: f.id('req'), trackingNumber, carrierCode: 'SF', scanType, scannedAt: f.clock.now(), location: '' });
    }
  };

  const pay = (orderId: string, cause: CompensationCause) =>
    f.client.payAdvanceCompensation({ requestId: f.id('req'), orderId, cause, afterSaleId: '', operatorId: 'op-1', evidenceRef: 'finding-1', note: '' });

  it('statutory damages: fraud 3x (at least 500 yuan), food 10x (at least 1000 yuan), one award per order, recovered from the deposit', async () => {
    const merchantId = 'merchant-fraud';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 30_000n, paymentRef: 'bank-fraud-1' });
    const orderId = await f.recordOrder({ merchantId, categoryCode: 'food.snacks', amountFen: 10_000n });

    const fraud = await pay(orderId, CompensationCause.COMPENSATION_CAUSE_FRAUD);
    expect(fraud.compensation).toMatchObject({ amountFen: 50_000n, recoveredFen: 30_000n, outstandingFen: 20_000n, topUpRequested: true, triggeredBy: 'op-1' });
    expect(fraud.compensation?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['COMPENSATION.STATUTORY.FRAUD', 'COMPENSATION.RECOVERY', 'DEPOSIT.TOP_UP_REQUESTED']));
    expect(fraud.deposit).toMatchObject({ balanceFen: 0n, owedFen: 20_000n, topUpRequestedFen: 220_000n });
    const twice = await failureOf(pay(orderId, CompensationCause.COMPENSATION_CAUSE_FRAUD));
    expect([twice.codeName, twice.reason]).toEqual(['FAILED_PRECONDITION', 'COMPENSATION.CAP_REACHED']);
    // The larger statutory award (food, 10x) pays only the difference.
    const food = await pay(orderId, CompensationCause.COMPENSATION_CAUSE_FOOD_SAFETY);
    expect(food.compensation?.amountFen).toBe(50_000n);
    expect((await f.client.getOrder({ orderId })).order?.compensatedFen).toBe(100_000n);

    // A transfer settles what is owed first, then refills the deposit.
    const topped = await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 100_000n, paymentRef: 'bank-fraud-2' });
    expect(topped.deposit).toMatchObject({ balanceFen: 30_000n, owedFen: 0n, topUpRequested: true, topUpRequestedFen: 170_000n });
    const again = await failureOf(f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 100_000n, paymentRef: 'bank-fraud-2' }));
    expect([again.codeName, again.reason]).toEqual(['ALREADY_EXISTS', 'LEDGER.PAYMENT_ALREADY_CREDITED']);
  });

  it('refuses compensation causes that do not apply, and bad input, writing nothing', async () => {
    const orderId = await f.recordOrder({ merchantId: 'merchant-causes', categoryCode: 'home.kitchen' });
    expect((await failureOf(pay(orderId, CompensationCause.COMPENSATION_CAUSE_FOOD_SAFETY))).reason).toBe('COMPENSATION.NOT_FOOD');
    expect((await failureOf(pay(orderId, CompensationCause.COMPENSATION_CAUSE_LATE_DISPATCH))).reason).toBe('COMPENSATION.NOT_LATE');
    expect((await failureOf(pay(orderId, CompensationCause.COMPENSATION_CAUSE_MERCHANT_REMOVED))).reason).toBe('COMPENSATION.MERCHANT_NOT_REMOVED');
    expect((await failureOf(pay('no-such-order', CompensationCause.COMPENSATION_CAUSE_FRAUD))).codeName).toBe('NOT_FOUND');
    const bad = await failureOf(
      f.client.payAdvanceCompensation({ requestId: '', orderId, cause: CompensationCause.COMPENSATION_CAUSE_DISPUTE_UNPAID, afterSaleId: '', operatorId: '', evidenceRef: '', note: '' }),
    );
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(['after_sale_id', 'operator_id', 'request_id']);
    const deposit = await failureOf(f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId: 'merchant-causes', amountFen: -5n, paymentRef: '' }));
    expect(deposit.fieldViolations.map((v) => [v.field, v.reason])).toEqual([
      ['amount_fen', 'OUT_OF_RANGE'],
      ['payment_ref', 'REQUIRED'],
    ]);
    expect(await compensationsOf({ orderId })).toEqual([]);
    expect((await failureOf(f.client.getMerchantDeposit({ merchantId: 'merchant-causes' }))).codeName).toBe('NOT_FOUND');
  });

  it('a critical inspection failure compensates each recent buyer of the product exactly once, even when the event comes again', async () => {
    const merchantId = 'merchant-lab';
    const productId = 'product-lab';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 12_000n, paymentRef: 'bank-lab-1' });
    const old = await f.recordOrder({ merchantId, productId, paidAt: new Date(f.clock.now().getTime() - 100 * DAY) });
    const recent = await f.recordOrder({ merchantId, productId, buyerId: 'buyer-lab-1', amountFen: 8_000n });
    const partlyRefunded = await f.recordOrder({ merchantId, productId, buyerId: 'buyer-lab-2', amountFen: 10_000n });
    await f.client.requestAfterSale(f.afterSaleRequest({ orderId: partlyRefunded, buyerId: 'buyer-lab-2', amountFen: 4_000n }));
    const openAfterSaleOrder = await f.recordOrder({ merchantId, productId, buyerId: 'buyer-lab-3', amountFen: 5_000n });
    await ship(openAfterSaleOrder);
    const open = await f.client.requestAfterSale(
      f.afterSaleRequest({ orderId: openAfterSaleOrder, buyerId: 'buyer-lab-3', reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT, amountFen: 5_000n, buyerTrustScore: 10 }),
    );
    expect(open.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT);
    const otherProduct = await f.recordOrder({ merchantId, productId: 'product-fine' });

    const failure = InspectionFailed.fromPartial({
      meta: meta(),
      resultId: 'lab-result-1',
      productId,
      merchantId,
      criticalDefects: 1,
      severity: DefectClass.DEFECT_CLASS_CRITICAL,
      reportRef: 'report-1',
    });
    await f.sut.publish(InspectionFailedEvent, failure);
    await f.sut.publish(InspectionFailedEvent, failure); // the same event again
    await f.sut.publish(InspectionFailedEvent, { ...failure, meta: meta() }); // the same result, republished under a new event id
    // A later failure of another product: once it is handled, everything before it was too.
    const sentinelOrder = await f.recordOrder({ merchantId: 'merchant-sentinel', productId: 'product-sentinel' });
    await f.sut.publish(InspectionFailedEvent, InspectionFailed.fromPartial({ meta: meta(), resultId: 'lab-result-2', productId: 'product-sentinel', merchantId: 'merchant-sentinel', criticalDefects: 2 }));
    await eventually(async () => expect(await compensationsOf({ orderId: sentinelOrder })).toHaveLength(1));

    const paid = await compensationsOf({ merchantId });
    expect(paid.map((c) => [c.orderId, c.amountFen]).sort()).toEqual(
      [
        [recent, 8_000n],
        [partlyRefunded, 6_000n],
        [openAfterSaleOrder, 5_000n],
      ].sort(),
    );
    expect(paid.every((c) => c.cause === CompensationCause.COMPENSATION_CAUSE_FAILED_INSPECTION && c.evidenceRef === 'report-1')).toBe(true);
    expect(paid.reduce((sum, c) => sum + c.recoveredFen, 0n)).toBe(12_000n);
    expect(paid.reduce((sum, c) => sum + c.outstandingFen, 0n)).toBe(7_000n);
    expect((await compensationsOf({ orderId: old })).length + (await compensationsOf({ orderId: otherProduct })).length).toBe(0);
    for (const orderId of [recent, partlyRefunded, openAfterSaleOrder]) {
      expect((await f.client.getOrder({ orderId })).order).toMatchObject({ status: OrderStatus.ORDER_STATUS_REFUNDED });
    }
    const closed = await f.client.getAfterSale({ afterSaleId: open.afterSale?.afterSaleId ?? '' });
    expect(closed.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_CLOSED);
    expect(closed.afterSale?.history.at(-1)?.reasons.map((r) => r.code)).toEqual(['AFTER_SALE.SETTLED_BY_ORDER_REFUND']);
    await eventually(async () => expect(events.of(CompensationPaidEvent).filter((e) => e.merchantId === merchantId)).toHaveLength(3));
    expect((await f.client.getMerchantDeposit({ merchantId })).deposit).toMatchObject({ balanceFen: 0n, owedFen: 7_000n, topUpRequested: true });
  });

  it('a removed merchant: undispatched orders refunded, open after-sales settled by the fund, new orders refused', async () => {
    const merchantId = 'merchant-removed';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 1_000n, paymentRef: 'bank-removed-1' });
    const undispatched = await f.recordOrder({ merchantId, buyerId: 'buyer-r1', amountFen: 7_000n });
    const withAfterSale = await f.recordOrder({ merchantId, buyerId: 'buyer-r2', amountFen: 9_000n });
    await ship(withAfterSale);
    const { afterSale } = await f.client.requestAfterSale(
      f.afterSaleRequest({ orderId: withAfterSale, buyerId: 'buyer-r2', reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT, amountFen: 5_000n, buyerTrustScore: 10 }),
    );
    expect(afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT);
    const delivered = await f.recordOrder({ merchantId, buyerId: 'buyer-r3', amountFen: 3_000n });
    await ship(delivered);

    const removal = MerchantRemoved.fromPartial({ meta: meta(), merchantId, zeroTolerance: true, sanctionId: 'sanction-9' });
    await f.sut.publish(MerchantRemovedEvent, removal);
    await eventually(async () => expect((await f.client.getOrder({ orderId: undispatched })).order?.status).toBe(OrderStatus.ORDER_STATUS_REFUNDED));
    expect((await f.client.getOrder({ orderId: undispatched })).order?.reasons.map((r) => r.code)).toContain('ORDER.MERCHANT_REMOVED');
    const settled = await f.client.getAfterSale({ afterSaleId: afterSale?.afterSaleId ?? '' });
    expect(settled.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    expect(settled.afterSale?.refunds).toEqual([expect.objectContaining({ amountFen: 5_000n, source: RefundSource.REFUND_SOURCE_FUND })]);
    expect(await compensationsOf({ orderId: withAfterSale })).toEqual([
      expect.objectContaining({ cause: CompensationCause.COMPENSATION_CAUSE_MERCHANT_REMOVED, amountFen: 5_000n, recoveredFen: 1_000n, outstandingFen: 4_000n }),
    ]);
    expect((await f.client.getOrder({ orderId: delivered })).order).toMatchObject({ status: OrderStatus.ORDER_STATUS_DELIVERED, refundedFen: 0n });

    // The refunded order will never ship: its dispatch clock does not compensate anyone.
    f.clock.advance(3 * DAY);
    await f.sut.runDueJobs();
    expect((await f.client.getOrder({ orderId: undispatched })).order?.lateDispatch).toBe(false);

    const refused = await failureOf(f.recordOrder({ merchantId }));
    expect([refused.codeName, refused.reason]).toEqual(['FAILED_PRECONDITION', 'ORDER.MERCHANT_REMOVED']);
    // After removal, a new after-sale on a delivered order is settled by the fund at once.
    const late = await f.client.requestAfterSale(
      f.afterSaleRequest({ orderId: delivered, buyerId: 'buyer-r3', reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT, amountFen: 3_000n }),
    );
    expect(late.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    expect(late.afterSale?.fastRefund?.reasons.map((r) => r.code)).toContain('FAST_REFUND.MERCHANT_REMOVED');
    expect(late.refund).toMatchObject({ amountFen: 3_000n, source: RefundSource.REFUND_SOURCE_FUND });

    // The same removal published again under a new event id protects nobody twice.
    await f.sut.publish(MerchantRemovedEvent, { ...removal, meta: meta() });
    const sentinel = await f.recordOrder({ merchantId: 'merchant-removed-2', buyerId: 'buyer-r4' });
    await f.sut.publish(MerchantRemovedEvent, MerchantRemoved.fromPartial({ meta: meta(), merchantId: 'merchant-removed-2', sanctionId: 'sanction-10' }));
    await eventually(async () => expect((await f.client.getOrder({ orderId: sentinel })).order?.status).toBe(OrderStatus.ORDER_STATUS_REFUNDED));
    expect(await compensationsOf({ merchantId })).toHaveLength(2);
  });

  it('protects the buyers of a removed merchant in the platform transaction: none of the consumer\'s statements go through Prisma', async () => {
    const merchantId = 'merchant-removed-plain';
    const orderId = await f.recordOrder({ merchantId, buyerId: 'buyer-rp1', amountFen: 4_000n });
    // Every statement goes through pg's client (the service runs in this process); Prisma's adapter asks for its rows as arrays.
    const queries = vi.spyOn(pg.Client.prototype, 'query');
    try {
      await f.sut.publish(MerchantRemovedEvent, MerchantRemoved.fromPartial({ meta: meta(), merchantId, sanctionId: 'sanction-plain' }));
      await eventually(async () => expect((await f.client.getOrder({ orderId })).order?.status).toBe(OrderStatus.ORDER_STATUS_REFUNDED));
      const consumerStatements = queries.mock.calls
        .map(([statement]) => statement as unknown as { text?: string; rowMode?: string })
        .filter((statement) => /inbox_events|merchant_removal_runs/.test(statement.text ?? ''));
      expect(consumerStatements.length).toBeGreaterThan(0);
      expect(consumerStatements.filter((statement) => statement.rowMode === 'array').map((statement) => statement.text)).toEqual([]);
    } finally {
      queries.mockRestore();
    }
  });

  it('merchant standing from merchant-access steers fast refund: sanction, reinstatement (older news ignored), store score (newest window wins, implausible windows set aside)', async () => {
    const merchantId = 'merchant-sanctioned';
    let marker = 0;
    /** Merchant events are handled in order: once a later removal's refund shows, everything before it is applied. */
    const settle = async (): Promise<void> => {
      const markerMerchant = `merchant-marker-${++marker}`;
      const orderId = await f.recordOrder({ merchantId: markerMerchant, buyerId: `buyer-marker-${marker}` });
      await f.sut.publish(MerchantRemovedEvent, MerchantRemoved.fromPartial({ meta: meta(), merchantId: markerMerchant, sanctionId: `sanction-${markerMerchant}` }));
      await eventually(async () => expect((await f.client.getOrder({ orderId })).order?.status).toBe(OrderStatus.ORDER_STATUS_REFUNDED));
    };
    /** A 300-yuan return: above the 200-yuan cap of a standard buyer, within it when the cap doubles. */
    const decide = async (): Promise<{ outcome: FastRefundOutcome | undefined; codes: string[] }> => {
      const buyerId = f.id('buyer');
      const orderId = await f.recordOrder({ merchantId, buyerId, amountFen: 30_000n });
      await ship(orderId);
      const { afterSale } = await f.client.requestAfterSale({
        requestId: f.id('req'),
        orderId,
        buyerId,
        type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
        reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
        amountFen: 30_000n,
        description: '',
        evidenceRefs: [],
        goodsUnsealed: false,
      });
      return { outcome: afterSale?.fastRefund?.outcome, codes: afterSale?.fastRefund?.reasons.map((r) => r.code) ?? [] };
    };
    expect((await decide()).outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_DENIED);

    const sanctionedAt = f.clock.now();
    await f.sut.publish(
      MerchantSanctionedEvent,
      MerchantSanctioned.fromPartial({ meta: meta(), merchantId, kind: SanctionKind.SANCTION_KIND_SUSPENDED, startsAt: sanctionedAt, endsAt: new Date(sanctionedAt.getTime() + 14 * DAY) }),
    );
    await settle();
    const atRisk = await decide();
    expect(atRisk.outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED_ON_PICKUP);
    expect(atRisk.codes).toContain('FAST_REFUND.MERCHANT_AT_RISK');

    f.clock.advance(HOUR);
    await f.sut.publish(MerchantReinstatedEvent, MerchantReinstated.fromPartial({ meta: meta(), merchantId, status: MerchantStatus.MERCHANT_STATUS_ACTIVE }));
    // A sanction that happened before the reinstatement, delivered after it, changes nothing.
    await f.sut.publish(
      MerchantSanctionedEvent,
      MerchantSanctioned.fromPartial({ meta: { ...meta(), occurredAt: sanctionedAt }, merchantId, kind: SanctionKind.SANCTION_KIND_SUSPENDED }),
    );
    await settle();
    expect((await decide()).outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_DENIED);

    await f.sut.publish(StoreExperienceScoreChangedEvent, StoreExperienceScoreChanged.fromPartial({ meta: meta(), merchantId, score: 3.1, neutral: false }));
    await settle();
    expect((await decide()).outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED_ON_PICKUP);

    // Scores are as of their window's end: the newest window wins, whatever order the events arrive in.
    const score = (value: number, windowEnd: Date) =>
      f.sut.publish(
        StoreExperienceScoreChangedEvent,
        StoreExperienceScoreChanged.fromPartial({ meta: meta(), merchantId, score: value, neutral: false, window: { startTime: new Date(windowEnd.getTime() - 90 * DAY), endTime: windowEnd } }),
      );
    f.clock.advance(HOUR);
    await score(3.2, f.clock.now());
    await score(4.8, new Date(f.clock.now().getTime() - DAY));
    await settle();
    expect((await decide()).outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED_ON_PICKUP);
    // A window ending a year ahead of our clock cannot be true: set aside (dead-lettered), never applied.
    await score(4.9, new Date(f.clock.now().getTime() + 365 * DAY));
    await settle();
    expect((await decide()).outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED_ON_PICKUP);
    // A newer real window applies: a well-rated merchant's buyers get the standard cap again.
    f.clock.advance(HOUR);
    await score(4.6, f.clock.now());
    await settle();
    expect((await decide()).outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_DENIED);
  });

  it('an onboarding sets the deposit minimum merchant-access decided, its top-up following what the deposit holds and owes; older news leaves a later status alone', async () => {
    const onboard = (merchantId: string, depositFen: bigint, occurredAt = f.clock.now()) =>
      f.sut.publish(MerchantOnboardedEvent, MerchantOnboarded.fromPartial({ meta: { ...meta(), occurredAt }, merchantId, restrictions: { depositFen } }));
    /** As stored: the top-up request recorded is what a later payment compares against to announce a new one. */
    const stored = async (merchantId: string) => {
      const [deposit] = await f.sut.db.$queryRawUnsafe<Record<string, unknown>[]>(
        'SELECT balance_fen, minimum_fen, owed_fen, top_up_requested, top_up_requested_fen FROM merchant_deposits WHERE merchant_id = $1',
        merchantId,
      );
      const [standing] = await f.sut.db.$queryRawUnsafe<{ status: string }[]>('SELECT status FROM merchant_standings WHERE merchant_id = $1', merchantId);
      return { ...deposit, status: standing?.status };
    };

    // A merchant the fund already paid for (its onboarding arrives late): 30,000 in, a 50,000 award, 20,000 owed.
    const owing = 'merchant-onboarded-owing';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId: owing, amountFen: 30_000n, paymentRef: 'bank-onboarded-owing' });
    await pay(await f.recordOrder({ merchantId: owing, categoryCode: 'food.snacks', amountFen: 10_000n }), CompensationCause.COMPENSATION_CAUSE_FRAUD);
    const funded = 'merchant-onboarded-funded';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId: funded, amountFen: 30_000n, paymentRef: 'bank-onboarded-funded' });
    const short = 'merchant-onboarded-short';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId: short, amountFen: 30_000n, paymentRef: 'bank-onboarded-short' });
    // Suspended an hour after its onboarding, the suspension delivered first.
    const late = 'merchant-onboarded-late';
    const onboardedAt = f.clock.now();
    f.clock.advance(HOUR);
    await f.sut.publish(MerchantSanctionedEvent, MerchantSanctioned.fromPartial({ meta: meta(), merchantId: late, kind: SanctionKind.SANCTION_KIND_SUSPENDED }));

    await onboard('merchant-onboarded-new', 80_000n);
    await onboard(owing, 80_000n);
    await onboard(funded, 20_000n);
    await onboard(short, 50_000n);
    await onboard(late, 10_000n, onboardedAt);
    await onboard('merchant-onboarded-no-deposit', 0n);

    await eventually(async () => expect((await stored('merchant-onboarded-no-deposit')).status).toBe('ACTIVE'));
    expect(await stored('merchant-onboarded-new')).toEqual({
      status: 'ACTIVE',
      balance_fen: 0n,
      minimum_fen: 80_000n,
      owed_fen: 0n,
      top_up_requested: true,
      top_up_requested_fen: 80_000n,
    });
    expect(await stored(owing)).toEqual({ status: 'ACTIVE', balance_fen: 0n, minimum_fen: 80_000n, owed_fen: 20_000n, top_up_requested: true, top_up_requested_fen: 100_000n });
    expect(await stored(funded)).toEqual({ status: 'ACTIVE', balance_fen: 30_000n, minimum_fen: 20_000n, owed_fen: 0n, top_up_requested: false, top_up_requested_fen: 0n });
    expect(await stored(short)).toEqual({ status: 'ACTIVE', balance_fen: 30_000n, minimum_fen: 50_000n, owed_fen: 0n, top_up_requested: true, top_up_requested_fen: 20_000n });
    // The deposit minimum holds whatever the order (it is not news about the status); the suspension stays.
    expect(await stored(late)).toEqual({ status: 'SUSPENDED', balance_fen: 0n, minimum_fen: 10_000n, owed_fen: 0n, top_up_requested: true, top_up_requested_fen: 10_000n });
    // No deposit asked: none made.
    expect(await stored('merchant-onboarded-no-deposit')).toEqual({ status: 'ACTIVE' });
    expect((await f.client.getMerchantDeposit({ merchantId: owing })).deposit).toMatchObject({ minimumFen: 80_000n, topUpRequestedFen: 100_000n });
  });

  it('the fund ledger reports capital, deposits and receivables, balanced', async () => {
    const before = (await f.client.getFundLedger({})).ledger;
    const after = (await f.client.contributeToFund({ requestId: f.id('req'), amountFen: 20_000_000_00n, paymentRef: 'allocation-2026' })).ledger;
    expect((after?.fundBalanceFen ?? 0n) - (before?.fundBalanceFen ?? 0n)).toBe(20_000_000_00n);
    expect(after?.balanced).toBe(true);
    expect(after?.receivablesOutstandingFen).toBe(before?.receivablesOutstandingFen);
    expect((after?.transactionCount ?? 0n) - (before?.transactionCount ?? 0n)).toBe(1n);
    const { entries } = await f.client.listLedgerEntries({ account: 'FUND', orderId: '', pageSize: 2, pageToken: '' });
    expect(entries).toHaveLength(2);
    const bad = await failureOf(f.client.listLedgerEntries({ account: 'NOT_AN_ACCOUNT', orderId: '', pageSize: 0, pageToken: 'garbage' }));
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(['account', 'page_token']);
    // A token naming an id past BIGINT, and an account name of a megabyte, are bad input too (not INTERNAL).
    const overflow = Buffer.from(JSON.stringify(['99999999999999999999', 'x'])).toString('base64url');
    const huge = await failureOf(f.client.listLedgerEntries({ account: `MERCHANT_DEPOSIT:${'m'.repeat(1_000_000)}`, orderId: '', pageSize: 0, pageToken: '' }));
    // The platform's edge guard refuses the oversized string before the handler runs.
    expect([huge.codeName, huge.fieldViolations.map((v) => v.field)]).toEqual(['INVALID_ARGUMENT', ['account']]);
    const overflowing = await failureOf(f.client.listLedgerEntries({ account: 'FUND', orderId: '', pageSize: 0, pageToken: overflow }));
    expect([overflowing.codeName, overflowing.fieldViolations.map((v) => v.field)]).toEqual(['INVALID_ARGUMENT', ['page_token']]);
    const farFuture = Buffer.from(JSON.stringify(['+275760-09-13T00:00:00.000Z', 'x'])).toString('base64url');
    const beyond = await failureOf(f.client.listCompensations({ orderId: '', merchantId: 'm-1', buyerId: '', cause: 0, pageSize: 0, pageToken: farFuture }));
    expect([beyond.codeName, beyond.fieldViolations.map((v) => v.field)]).toEqual(['INVALID_ARGUMENT', ['page_token']]);
  });
});

describe('large cascades run in chunks, continued by durable jobs', () => {
  it('compensates every buyer and refunds every undispatched order across chunks, each exactly once', async () => {
    const f = await startFixture({ cascadeChunkSize: 2 });
    try {
      const meta = (): EventMeta => {
        const eventId = randomUUID();
        return { eventId, occurredAt: f.clock.now(), causationId: eventId, correlationId: eventId };
      };
      const buyers = await Promise.all(Array.from({ length: 5 }, (_, i) => f.recordOrder({ orderId: `lab-${i}`, productId: 'product-chunked', merchantId: 'merchant-chunked' })));
      const pending = await Promise.all(Array.from({ length: 3 }, (_, i) => f.recordOrder({ orderId: `removed-${i}`, merchantId: 'merchant-gone' })));
      await f.sut.publish(InspectionFailedEvent, InspectionFailed.fromPartial({ meta: meta(), resultId: 'lab-chunked', productId: 'product-chunked', merchantId: 'merchant-chunked', criticalDefects: 1 }));
      await f.sut.publish(MerchantRemovedEvent, MerchantRemoved.fromPartial({ meta: meta(), merchantId: 'merchant-gone', sanctionId: 'sanction-gone' }));
      const list = async (merchantId: string) =>
        (await f.client.listCompensations({ orderId: '', buyerId: '', merchantId, cause: 0, pageSize: 0, pageToken: '' })).compensations;
      // The consumer pays the first chunk in its own transaction...
      for (const check of [async () => (await list('merchant-chunked')).length === 2, async () => (await f.client.getOrder({ orderId: 'removed-1' })).order?.refundedFen === 10_000n]) {
        const until = Date.now() + 10_000;
        while (!(await check())) {
          if (Date.now() > until) throw new Error('the first chunk was not handled');
          await sleep(50);
        }
      }
      expect((await f.client.getOrder({ orderId: 'removed-2' })).order?.refundedFen).toBe(0n);
      // ...and durable jobs the rest, one chunk per transaction.
      while ((await f.sut.runDueJobs()) > 0);
      expect((await list('merchant-chunked')).map((c) => c.orderId).sort()).toEqual([...buyers].sort());
      for (const orderId of pending) expect((await f.client.getOrder({ orderId })).order?.status).toBe(OrderStatus.ORDER_STATUS_REFUNDED);
      await expectLedgerBalanced(f.client);
    } finally {
      await f.stop();
    }
  });
});
