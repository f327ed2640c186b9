import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSchemaWithDatabase } from '@govern/platform-db';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { connectConsumerExperienceDatabase, ConsumerExperienceMigrations, type ConsumerExperienceDatabase } from './database';

describe('consumer-experience database', () => {
  let db: TestDatabase;
  let conn: ConsumerExperienceDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: ConsumerExperienceMigrations, prefix: 'consumer_experience_schema' });
    conn = connectConsumerExperienceDatabase({ connectionString: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('a fresh database migrates offline and agrees with the Prisma schema', async () => {
    expect(await compareSchemaWithDatabase(conn.client, conn.pool)).toEqual([]);
  });

  it('round-trips every model: int64 fen beyond 2^53, JSON reasons and lists, nullable times, relations', async () => {
    const at = new Date('2026-11-01T08:00:00.123Z');
    const big = 9_007_199_254_740_993n; // 2^53 + 1: must not pass through a JS number
    const reasons = [{ code: 'PROMISE.IN_STOCK', message: 'Dispatch within 48 h', evidence: { dispatch_due_at: at.toISOString() }, weight: 0 }];
    const c = conn.client;
    await c.order.create({
      data: {
        orderId: 'o-1', buyerId: 'b-1', merchantId: 'm-1', productId: 'p-1', skuId: 's-1', categoryCode: 'food.snacks', contentId: 'v-1', creatorId: 'c-1',
        amountFen: big, paidAt: at, fulfilment: 'IN_STOCK', dispatchDueAt: at, status: 'PAID', returnExemptions: ['PERISHABLE'],
        promiseReasons: reasons, promisePolicyName: 'consumer-promise', promisePolicyVersion: '2026-11-01.1', createdAt: at, updatedAt: at,
      },
    });
    await c.afterSale.create({
      data: {
        afterSaleId: 'as-1', orderId: 'o-1', buyerId: 'b-1', merchantId: 'm-1', type: 'REFUND_ONLY', reason: 'QUALITY_DEFECT', amountFen: 100n,
        description: '坏了', evidenceRefs: ['img/1.jpg'], goodsUnsealed: false, status: 'AWAITING_MERCHANT', requestedBeforeDispatch: false,
        qualityReturn: true, reasons, policyName: 'consumer-after-sale', policyVersion: 'v', fastRefundOutcome: 'DENIED', fastRefundFen: 0n,
        fastRefundReasons: [], fastRefundPolicyName: 'consumer-fast-refund', fastRefundPolicyVersion: 'v', fastRefundDecidedAt: at,
        merchantAnswerRequired: true, merchantResponseDueAt: at, createdAt: at, updatedAt: at,
      },
    });
    await c.afterSaleChange.create({ data: { afterSaleId: 'as-1', status: 'AWAITING_MERCHANT', reasons, policyName: 'p', policyVersion: 'v', changedAt: at } });
    await c.shipment.create({ data: { trackingNumber: 'SF1', carrierCode: 'SF', kind: 'FORWARD', orderId: 'o-1', shippedAt: at, firstScanDueAt: at, createdAt: at } });
    await c.trackingScan.create({ data: { trackingNumber: 'SF1', scanType: 'PICKUP', scannedAt: at, location: '深圳', recordedAt: at } });
    await c.ledgerAccount.createMany({
      data: [
        { account: 'MERCHANT_SETTLEMENT:m-1', accountType: 'MERCHANT_SETTLEMENT', ownerId: 'm-1', createdAt: at },
        { account: 'BUYER_PAYOUT', accountType: 'BUYER_PAYOUT', createdAt: at },
      ],
    });
    await c.ledgerTransaction.create({
      data: {
        transactionId: 't-1', memo: 'REFUND', orderId: 'o-1', postedAt: at,
        entries: {
          create: [
            { account: 'MERCHANT_SETTLEMENT:m-1', side: 'DEBIT', amountFen: big, orderId: 'o-1', memo: 'REFUND', postedAt: at },
            { account: 'BUYER_PAYOUT', side: 'CREDIT', amountFen: big, orderId: 'o-1', memo: 'REFUND', postedAt: at },
          ],
        },
      },
    });
    await c.refund.create({ data: { refundId: 'r-1', orderId: 'o-1', afterSaleId: 'as-1', buyerId: 'b-1', amountFen: 100n, fast: true, source: 'MERCHANT', ledgerTransactionId: 't-1', issuedAt: at } });
    await c.compensation.create({
      data: {
        compensationId: 'c-1', orderId: 'o-1', buyerId: 'b-1', merchantId: 'm-1', productId: 'p-1', cause: 'FOOD_SAFETY', amountFen: big, recoveredFen: 0n,
        outstandingFen: big, topUpRequested: true, reasons, policyName: 'consumer-protection-fund', policyVersion: 'v', ledgerTransactionId: 't-1',
        triggeredBy: 'op-1', paidAt: at,
      },
    });
    await c.merchantStanding.create({ data: { merchantId: 'm-1', status: 'SUSPENDED', storeScore: 3.25, statusChangedAt: at, updatedAt: at } });
    await c.merchantDeposit.create({ data: { merchantId: 'm-1', minimumFen: 200_000n, owedFen: big, updatedAt: at } });
    await c.complaint.create({
      data: {
        complaintId: 'cp-1', buyerId: 'b-1', targetType: 'PRODUCT', targetId: 'p-1', merchantId: 'm-1', orderId: 'o-1', productId: 'p-1',
        category: 'QUALITY', text: '质量差', evidenceRefs: ['img/2.jpg'], status: 'ROUTED', routedTo: 'product-quality', createdAt: at,
      },
    });
    await c.review.create({ data: { orderId: 'o-1', buyerId: 'b-1', merchantId: 'm-1', productId: 'p-1', rating: 2, text: 'meh', createdAt: at } });
    await c.inspectionCompensationRun.create({
      data: {
        resultId: 'lab-1', eventId: 'e-1', productId: 'p-1', merchantId: 'm-1', reportRef: 'report-1', failedAt: at, paidSince: at, reasons,
        ordersCompensated: 1, compensatedFen: big, startedAt: at,
      },
    });
    await c.merchantRemovalRun.create({ data: { removalId: 'sanction-1', merchantId: 'm-1', eventId: 'e-2', ordersRefunded: 0, afterSalesProtected: 1, startedAt: at, completedAt: at } });

    const order = await c.order.findUniqueOrThrow({
      where: { orderId: 'o-1' },
      include: { shipments: { include: { scans: true } }, afterSales: { include: { changes: true, refunds: true } }, compensations: true, review: true },
    });
    expect(order.amountFen).toBe(big);
    expect(order.returnExemptions).toEqual(['PERISHABLE']);
    expect(order.promiseReasons).toEqual(reasons);
    expect(order.paidAt).toEqual(at);
    expect(order.shippedAt).toBeNull();
    expect(order.shipments[0]?.scans[0]?.location).toBe('深圳');
    expect(order.afterSales[0]?.evidenceRefs).toEqual(['img/1.jpg']);
    expect(order.afterSales[0]?.changes).toHaveLength(1);
    expect(order.afterSales[0]?.refunds[0]?.amountFen).toBe(100n);
    expect(order.compensations[0]?.outstandingFen).toBe(big);
    expect(order.review?.rating).toBe(2);
    const entries = await c.ledgerEntry.findMany({ where: { transactionId: 't-1' }, orderBy: { id: 'asc' } });
    expect(entries.map((e) => [e.side, e.amountFen])).toEqual([
      ['DEBIT', big],
      ['CREDIT', big],
    ]);
    expect((await c.merchantStanding.findUniqueOrThrow({ where: { merchantId: 'm-1' } })).storeScore).toBe(3.25);
    expect((await c.merchantDeposit.findUniqueOrThrow({ where: { merchantId: 'm-1' } })).owedFen).toBe(big);
    expect((await c.complaint.findUniqueOrThrow({ where: { complaintId: 'cp-1' } })).evidenceRefs).toEqual(['img/2.jpg']);
    expect(await c.inspectionCompensationRun.findUniqueOrThrow({ where: { resultId: 'lab-1' } })).toMatchObject({
      compensatedFen: big,
      reasons,
      lastOrderId: null,
      chunks: 0,
      completedAt: null,
    });
    expect((await c.merchantRemovalRun.findUniqueOrThrow({ where: { removalId: 'sanction-1' } })).afterSalesProtected).toBe(1);
    // One refund per after-sale, enforced by the database too.
    await expect(
      c.refund.create({ data: { refundId: 'r-2', orderId: 'o-1', afterSaleId: 'as-1', buyerId: 'b-1', amountFen: 1n, fast: false, source: 'FUND', ledgerTransactionId: 't-1', issuedAt: at } }),
    ).rejects.toThrow();
  });
});
