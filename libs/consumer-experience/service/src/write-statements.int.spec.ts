import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FastRefundOutcome, TrackingScanType } from '@govern/contracts-consumer-experience';
import { MerchantOnboarded, MerchantOnboardedEvent } from '@govern/contracts-merchant-access';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFixture, type Fixture, expectLedgerBalanced } from './testing/service-fixture';
import { useForSuite } from '@govern/platform-service-testing';
import { recordPgStatements } from '@govern/platform-testing';

/**
 * The hot writes' statements (the service runs in this process, so every statement passes through
 * pg's client): the rows nothing else in the unit reads go out inside the unit's effects statement
 * (outbox, jobs, stored answer, audit record), not as statements of their own.
 */
describe('statements of the hot writes (gRPC + Postgres + NATS)', () => {
  let f: Fixture;
  useForSuite(() => startFixture(), (fixture) => (f = fixture));
  afterEach(() => vi.restoreAllMocks());

  const statementsDuring = async (call: () => Promise<unknown>): Promise<string[]> => {
    const queries = vi.spyOn(pg.Client.prototype, 'query');
    await call();
    const texts = queries.mock.calls.map(([statement]) => (typeof statement === 'string' ? statement : ((statement as { text?: string }).text ?? '')));
    queries.mockRestore();
    return texts;
  };

  it('RecordOrder writes the order, its audit record, event and clocks in one statement', async () => {
    const request = f.orderRequest();
    const texts = await statementsDuring(() => f.client.recordOrder(request));
    const withOrder = texts.filter((text) => /INSERT INTO orders/.test(text));
    expect(withOrder).toHaveLength(1);
    expect(withOrder[0]).toMatch(/INSERT INTO outbox_events/);
    expect(withOrder[0]).toMatch(/INSERT INTO scheduled_jobs/);
    expect(withOrder[0]).toMatch(/INSERT INTO audit_records/);
    expect(withOrder[0]).toMatch(/UPDATE idempotency_keys/);
    expect(texts.filter((text) => /^\s*INSERT INTO audit_records/.test(text))).toEqual([]);
    // Stored as before: the order reads back.
    expect((await f.client.getOrder({ orderId: request.orderId })).order?.orderId).toBe(request.orderId);
  });

  it('a new buyer’s parcel is registered and picked up in two round trips each: the open care cases it may resolve are read in the lock’s write', async () => {
    const buyerId = f.id('new-buyer');
    const orderId = await f.recordOrder({ buyerId });
    expect((await f.sut.db.order.findUniqueOrThrow({ where: { orderId } })).newBuyer).toBe(true);
    const trackingNumber = f.id('SF');
    const [shipping, scanning] = [f.id('req'), f.id('req')];
    const recorder = recordPgStatements();
    try {
      await f.client.recordShipment({ requestId: shipping, orderId, trackingNumber, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
      const scan = { requestId: scanning, trackingNumber, carrierCode: 'SF', scanType: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, scannedAt: f.clock.now(), location: 'Hangzhou' };
      await f.client.recordTrackingScan(scan);
      for (const requestId of [shipping, scanning]) {
        const found = recorder.transactions((s) => s.values.includes(requestId));
        expect(found).toHaveLength(1);
        expect(found[0]?.statements.filter((text) => /FROM care_cases/.test(text))).toHaveLength(1);
        expect(found[0]?.writes).toBe(2);
      }
    } finally {
      recorder.restore();
    }
    const { order } = await f.client.getOrder({ orderId });
    expect(order?.shipment).toMatchObject({ trackingNumber, carrierCode: 'SF', pickupAt: f.clock.now() });
  });

  it('a fast refund writes its status change, decision, refund and order totals with the unit’s effects, and reads back whole', async () => {
    const orderId = await f.recordOrder({ buyerId: 'buyer-statements' });
    let afterSaleId = '';
    const texts = await statementsDuring(async () => {
      const { afterSale } = await f.client.requestAfterSale(f.afterSaleRequest({ orderId, buyerId: 'buyer-statements' }));
      expect(afterSale?.fastRefund?.outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED);
      afterSaleId = afterSale?.afterSaleId ?? '';
    });
    const withChange = texts.filter((text) => /INSERT INTO after_sale_changes/.test(text));
    expect(withChange).toHaveLength(1);
    expect(withChange[0]).toMatch(/INSERT INTO outbox_events/);
    expect(withChange[0]).toMatch(/INSERT INTO audit_records/);
    expect(withChange[0]).toMatch(/INSERT INTO decision_records/);
    expect(withChange[0]).toMatch(/INSERT INTO refunds/);
    expect(withChange[0]).toMatch(/UPDATE orders SET refunded_fen/);
    expect(texts.filter((text) => /^\s*INSERT INTO refunds|^\s*UPDATE orders/.test(text))).toEqual([]);
    const { afterSale } = await f.client.getAfterSale({ afterSaleId });
    expect(afterSale?.history).toHaveLength(1);
    expect(afterSale?.refunds.map((refund) => refund.amountFen)).toEqual([10_000n]);
    expect((await f.client.getOrder({ orderId })).order?.refundedFen).toBe(10_000n);
    await expectLedgerBalanced(f.client);
  });

  it('a merchant’s onboarding writes its status and deposit minimum in one statement', async () => {
    const merchantId = 'merchant-onboarded-statements';
    const eventId = randomUUID();
    const texts = await statementsDuring(async () => {
      await f.sut.publish(
        MerchantOnboardedEvent,
        MerchantOnboarded.fromPartial({ meta: { eventId, occurredAt: f.clock.now(), causationId: eventId, correlationId: eventId }, merchantId, restrictions: { depositFen: 50_000n } }),
      );
      // Handled once its inbox row is committed (the consumer acts asynchronously).
      for (let tries = 0; (await f.sut.db.$queryRawUnsafe<unknown[]>('SELECT 1 FROM inbox_events WHERE event_id = $1', eventId)).length === 0; tries++) {
        if (tries > 200) throw new Error('the onboarding was not handled within 10 s');
        await sleep(50);
      }
    });
    const writes = texts.filter((text) => /merchant_standings|merchant_deposits/.test(text));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/INSERT INTO merchant_standings/);
    expect(writes[0]).toMatch(/INSERT INTO merchant_deposits/);
    expect((await f.client.getMerchantDeposit({ merchantId })).deposit).toMatchObject({ minimumFen: 50_000n, topUpRequested: true, topUpRequestedFen: 50_000n });
  });
});
