import { FastRefundOutcome } from '@govern/contracts-consumer-experience';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFixture, type Fixture, expectLedgerBalanced } from './testing/service-fixture';
import { useForSuite } from '@govern/platform-service-testing';

/**
 * The hot writes' statements (the service runs in this process, so every statement passes through
 * pg's client): the rows nothing else in the unit reads go out inside the unit's effects statement
 * (outbox, jobs, stored answer, audit record), not as statements of their own.
 */
describe('statements of the hot writes (gRPC + Postgres + NATS)', () => {
  let f: Fixture;
  useForSuite(
    async () => {
      const fixture = await startFixture();
      return { f: fixture, stop: () => fixture.stop() };
    },
    (suite) => ({ f } = suite),
  );
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
});
