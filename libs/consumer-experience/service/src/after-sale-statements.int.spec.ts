import {
  AfterSale,
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  DisputeOutcome,
  DisputeParty,
  MerchantAnswer,
  Order,
  TrackingScanType,
} from '@govern/contracts-consumer-experience';
import { recordPgStatements, type RecordedTransaction } from '@govern/platform-testing';
import { useForSuite } from '@govern/platform-service-testing';
import { describe, expect, it } from 'vitest';
import { afterSaleToProto, orderToProto } from './mapping/to-proto';
import { expectLedgerBalanced, failureOf, startFixture, type Fixture } from './testing/service-fixture';

/**
 * The after-sale steps and reviews run on the unit of work's plain SQL (no Prisma statement), in few
 * round trips, and answer what the Prisma reads they replaced answer, to the byte: the after-sale's
 * view (changes, refunds, return parcel: JSON in one statement) and the order's (its forward parcel).
 */
describe('after-sale steps and reviews in plain SQL (gRPC + Postgres + NATS)', () => {
  let f: Fixture;
  useForSuite(
    () => startFixture(),
    (fixture) => (f = fixture),
    { afterEach: (fixture) => expectLedgerBalanced(fixture.client) },
  );

  /** Prisma's model statements name their tables schema-qualified and quoted; the plain-SQL paths never do. */
  const isPrisma = (text: string): boolean => /"public"\./.test(text);

  /** The one transaction a request made (its request id is a value of its idempotency statements) and what it answered. */
  const transactionOf = async <R>(requestId: string, call: () => Promise<R>): Promise<{ answer: R; transaction: RecordedTransaction }> => {
    const recorder = recordPgStatements();
    try {
      const answer = await call();
      const found = recorder.transactions((s) => s.values.includes(requestId));
      expect(found).toHaveLength(1);
      return { answer, transaction: found[0] as RecordedTransaction };
    } finally {
      recorder.restore();
    }
  };

  /** A new buyer's order takes one round trip more: care checks its cases (care-checks) before the view is read back. */
  const expectPlainSql = (transaction: RecordedTransaction, maxWrites: number): void => {
    expect(transaction.statements.filter(isPrisma)).toEqual([]);
    expect(transaction.writes).toBeLessThanOrEqual(maxWrites);
  };

  /** The after-sale as the Prisma relation reads showed it, encoded as the API sends it. */
  const prismaAfterSale = async (afterSaleId: string): Promise<string> => {
    const row = await f.sut.db.afterSale.findUniqueOrThrow({
      where: { afterSaleId },
      include: { changes: { orderBy: { id: 'asc' } }, refunds: { orderBy: { issuedAt: 'asc' } }, shipments: { where: { kind: 'RETURN' } } },
    });
    const { changes, refunds, shipments, ...afterSale } = row;
    return encoded(afterSaleToProto({ afterSale, changes, refunds, returnShipment: shipments[0] ?? null }));
  };
  const prismaOrder = async (orderId: string): Promise<string> => {
    const { shipments, ...order } = await f.sut.db.order.findUniqueOrThrow({ where: { orderId }, include: { shipments: { where: { kind: 'FORWARD' } } } });
    return Buffer.from(Order.encode(orderToProto(order, shipments[0] ?? null)).finish()).toString('hex');
  };
  const encoded = (afterSale: AfterSale | undefined): string => Buffer.from(AfterSale.encode(afterSale ?? AfterSale.fromPartial({})).finish()).toString('hex');
  const expectSameAfterSale = async (afterSale: AfterSale | undefined): Promise<void> => {
    const afterSaleId = afterSale?.afterSaleId ?? '';
    expect(encoded(afterSale)).toBe(await prismaAfterSale(afterSaleId));
    expect(encoded((await f.client.getAfterSale({ afterSaleId })).afterSale)).toBe(await prismaAfterSale(afterSaleId));
  };

  const deliveredOrder = async (merchantId: string, amountFen = 10_000n): Promise<{ orderId: string; buyerId: string; trackingNumber: string }> => {
    const buyerId = f.id('buyer');
    const orderId = await f.recordOrder({ buyerId, merchantId, amountFen });
    const trackingNumber = f.id('SF');
    await f.client.recordShipment({ requestId: f.id('req'), orderId, trackingNumber, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
    for (const scanType of [TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED]) {
      await f.client.recordTrackingScan({ requestId: f.id('req'), trackingNumber, carrierCode: 'SF', scanType, scannedAt: f.clock.now(), location: 'Shenzhen' });
    }
    return { orderId, buyerId, trackingNumber };
  };

  it('RecordReview reads the order and adds the review in one statement, with the same refusals', async () => {
    const { orderId, buyerId } = await deliveredOrder('merchant-review');
    const requestId = f.id('req');
    const { answer, transaction } = await transactionOf(requestId, () => f.client.recordReview({ requestId, orderId, buyerId, rating: 4, text: '不错' }));
    expect(answer.review).toEqual({ orderId, rating: 4, text: '不错', createTime: f.clock.now() });
    expectPlainSql(transaction, 2);
    expect(await f.sut.db.review.findUnique({ where: { orderId } })).toMatchObject({ buyerId, merchantId: 'merchant-review', productId: 'product-1', rating: 4 });

    const again = await failureOf(f.client.recordReview({ requestId: f.id('req'), orderId, buyerId, rating: 1, text: '' }));
    expect([again.codeName, again.reason]).toEqual(['ALREADY_EXISTS', 'REVIEW.ALREADY_RECORDED']);
    const stranger = await failureOf(f.client.recordReview({ requestId: f.id('req'), orderId, buyerId: 'someone-else', rating: 1, text: '' }));
    expect([stranger.reason, stranger.fieldViolations]).toEqual(['REVIEW.INVALID', [expect.objectContaining({ field: 'buyer_id', reason: 'NOT_ORDER_OWNER' })]]);
    const unknown = await failureOf(f.client.recordReview({ requestId: f.id('req'), orderId: 'no-such-order', buyerId, rating: 1, text: '' }));
    expect([unknown.codeName, unknown.reason]).toEqual(['NOT_FOUND', 'ORDER.NOT_FOUND']);
    const undelivered = await f.recordOrder({ buyerId });
    const early = await failureOf(f.client.recordReview({ requestId: f.id('req'), orderId: undelivered, buyerId, rating: 1, text: '' }));
    expect([early.codeName, early.reason]).toEqual(['FAILED_PRECONDITION', 'REVIEW.NOT_DELIVERED']);
    expect(await f.sut.db.review.count({ where: { orderId: { in: [orderId, undelivered, 'no-such-order'] } } })).toBe(1);

    // Reviews of one order at once: one is recorded, the others find it.
    const racing = await deliveredOrder('merchant-review');
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => f.client.recordReview({ requestId: f.id('req'), orderId: racing.orderId, buyerId: racing.buyerId, rating: 1 + (i % 5), text: `${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((await failureOf(Promise.reject(r.reason))).reason).toBe('REVIEW.ALREADY_RECORDED');
  });

  it('a return answered, shipped, scanned and its freight paid: no Prisma statement, and every view as Prisma read it', async () => {
    const merchantId = 'merchant-return-sql';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 50_000n, paymentRef: f.id('bank') });
    const { orderId, buyerId, trackingNumber: forward } = await deliveredOrder(merchantId);
    const { afterSale: requested } = await f.client.requestAfterSale(
      f.afterSaleRequest({
        orderId,
        buyerId,
        type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
        reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
        evidenceRefs: ['photo-1'],
        goodsUnsealed: true,
        buyerTrustScore: 10,
      }),
    );
    expect(requested?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT);
    const afterSaleId = requested?.afterSaleId ?? '';

    const answerId = f.id('req');
    const answered = await transactionOf(answerId, () =>
      f.client.respondAfterSale({ requestId: answerId, afterSaleId, merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_ACCEPT, note: 'sorry', evidenceRefs: ['m-1', 'm-2'] }),
    );
    expectPlainSql(answered.transaction, 4);
    expect(answered.answer.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_RETURN);
    await expectSameAfterSale(answered.answer.afterSale);

    // A return in a parcel whose number is taken is refused as before, and changes nothing (the unit fails at its next statement).
    const taken = await failureOf(
      f.client.recordReturnShipment({ requestId: f.id('req'), afterSaleId, trackingNumber: forward, carrierCode: 'SF', shippedAt: f.clock.now(), shippingFeeFen: 4_000n }),
    );
    expect([taken.codeName, taken.reason]).toEqual(['FAILED_PRECONDITION', 'SHIPMENT.TRACKING_NUMBER_IN_USE']);
    expect(encoded((await f.client.getAfterSale({ afterSaleId })).afterSale)).toBe(encoded(answered.answer.afterSale));

    const trackingNumber = f.id('RT');
    const shipId = f.id('req');
    const shipped = await transactionOf(shipId, () =>
      f.client.recordReturnShipment({ requestId: shipId, afterSaleId, trackingNumber, carrierCode: 'SF', shippedAt: f.clock.now(), shippingFeeFen: 4_000n }),
    );
    expectPlainSql(shipped.transaction, 4);
    expect(shipped.answer.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_RETURN_IN_TRANSIT);
    expect(shipped.answer.afterSale?.returnShipment?.trackingNumber).toBe(trackingNumber);
    await expectSameAfterSale(shipped.answer.afterSale);
    const reused = await failureOf(f.client.recordReturnShipment({ requestId: f.id('req'), afterSaleId, trackingNumber, carrierCode: 'SF', shippedAt: f.clock.now(), shippingFeeFen: 0n }));
    expect(reused.codeName).toBe('FAILED_PRECONDITION');

    for (const scanType of [TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED]) {
      const scanId = f.id('req');
      const scanned = await transactionOf(scanId, () =>
        f.client.recordTrackingScan({ requestId: scanId, trackingNumber, carrierCode: 'SF', scanType, scannedAt: f.clock.now(), location: 'Hangzhou' }),
      );
      expectPlainSql(scanned.transaction, 5);
      await expectSameAfterSale(scanned.answer.afterSale);
      expect(Buffer.from(Order.encode(scanned.answer.order ?? Order.fromPartial({})).finish()).toString('hex')).toBe(await prismaOrder(orderId));
    }
    const refunded = (await f.client.getAfterSale({ afterSaleId })).afterSale;
    expect(refunded?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    expect(refunded?.refunds.map((r) => r.amountFen)).toEqual([10_000n]);
    expect(Buffer.from(Order.encode((await f.client.getOrder({ orderId })).order ?? Order.fromPartial({})).finish()).toString('hex')).toBe(await prismaOrder(orderId));

    const feeId = f.id('req');
    const settled = await transactionOf(feeId, () => f.client.settleReturnShippingFee({ requestId: feeId, afterSaleId, merchantId }));
    expect(settled.transaction.statements.filter(isPrisma)).toEqual([]);
    await expectSameAfterSale(settled.answer.afterSale);
    expect(settled.answer.afterSale?.returnFee?.settledBy).toBeTruthy();
  });

  it('a dispute escalated and decided: no Prisma statement, and every view as Prisma read it', async () => {
    const merchantId = 'merchant-dispute-sql';
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 250_000n, paymentRef: f.id('bank') });
    const { orderId, buyerId } = await deliveredOrder(merchantId, 60_000n);
    const { afterSale } = await f.client.requestAfterSale(
      f.afterSaleRequest({ orderId, buyerId, reason: AfterSaleReason.AFTER_SALE_REASON_NOT_AS_DESCRIBED, amountFen: 60_000n, buyerTrustScore: 50 }),
    );
    const afterSaleId = afterSale?.afterSaleId ?? '';
    expect(afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT);
    const rejectId = f.id('req');
    const rejected = await transactionOf(rejectId, () =>
      f.client.respondAfterSale({ requestId: rejectId, afterSaleId, merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_REJECT, note: 'as described', evidenceRefs: [] }),
    );
    expectPlainSql(rejected.transaction, 4);
    await expectSameAfterSale(rejected.answer.afterSale);

    const escalateId = f.id('req');
    const escalated = await transactionOf(escalateId, () =>
      f.client.escalateDispute({ requestId: escalateId, afterSaleId, escalatedBy: DisputeParty.DISPUTE_PARTY_BUYER, statement: 'colour differs', evidenceRefs: ['e-1'] }),
    );
    expectPlainSql(escalated.transaction, 4);
    expect(escalated.answer.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_IN_DISPUTE);
    await expectSameAfterSale(escalated.answer.afterSale);

    const decideId = f.id('req');
    const decided = await transactionOf(decideId, () =>
      f.client.decideDispute({
        requestId: decideId,
        afterSaleId,
        outcome: DisputeOutcome.DISPUTE_OUTCOME_PARTIAL,
        awardFen: 25_000n,
        operatorId: 'op-sql',
        reasons: [{ code: 'DISPUTE.PARTLY', message: 'Partly as described', evidence: { photo: 'p-1' }, weight: 2 }],
      }),
    );
    expectPlainSql(decided.transaction, 4);
    expect(decided.answer.afterSale?.dispute).toMatchObject({ awardFen: 25_000n, decidedBy: 'op-sql' });
    await expectSameAfterSale(decided.answer.afterSale);

    const unknown = await failureOf(
      f.client.respondAfterSale({ requestId: f.id('req'), afterSaleId: 'no-such-after-sale', merchantId, answer: MerchantAnswer.MERCHANT_ANSWER_ACCEPT, note: '', evidenceRefs: [] }),
    );
    expect([unknown.codeName, unknown.reason]).toEqual(['NOT_FOUND', 'AFTER_SALE.NOT_FOUND']);
    expect((await failureOf(f.client.getAfterSale({ afterSaleId: 'no-such-after-sale' }))).reason).toBe('AFTER_SALE.NOT_FOUND');
  });

  it('DepositMerchantFunds checks its payment reference in the deposit lock’s write: once credited, the same payment is refused, even at once', async () => {
    const merchantId = 'merchant-deposit-sql';
    const requestId = f.id('req');
    const { answer, transaction } = await transactionOf(requestId, () => f.client.depositMerchantFunds({ requestId, merchantId, amountFen: 20_000n, paymentRef: 'bank-sql-1' }));
    expect(answer.deposit?.balanceFen).toBe(20_000n);
    expectPlainSql(transaction, 3);
    const again = await failureOf(f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 20_000n, paymentRef: 'bank-sql-1' }));
    expect([again.codeName, again.reason]).toEqual(['ALREADY_EXISTS', 'LEDGER.PAYMENT_ALREADY_CREDITED']);
    const racing = await Promise.allSettled(
      Array.from({ length: 5 }, () => f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 5_000n, paymentRef: 'bank-sql-2' })),
    );
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of racing.filter((r) => r.status === 'rejected')) expect((await failureOf(Promise.reject(r.reason))).reason).toBe('LEDGER.PAYMENT_ALREADY_CREDITED');
    expect((await f.client.getMerchantDeposit({ merchantId })).deposit?.balanceFen).toBe(25_000n);
  });
});
