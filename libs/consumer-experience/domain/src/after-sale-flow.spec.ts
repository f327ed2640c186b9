import { HOUR, ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { openAfterSale, transitionAfterSale, type AfterSaleState } from './after-sale-flow';
import { AFTER_SALE_POLICY } from './after-sale.policy';

const t0 = new Date('2026-11-05T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

const state = (over: Partial<AfterSaleState> = {}): AfterSaleState => ({
  afterSaleId: 'as-1',
  type: 'REFUND_ONLY',
  status: 'AWAITING_MERCHANT',
  amountFen: 8_000n,
  refundedFen: 0n,
  fastRefund: 'DENIED',
  merchantResponseDueAt: at(48 * HOUR),
  ...over,
});

describe('openAfterSale', () => {
  it('refunds at once and closes a refund-only request granted fast refund', () => {
    const t = openAfterSale({ afterSaleId: 'as-1', type: 'REFUND_ONLY', amountFen: 8_000n, fastRefund: 'GRANTED', fastRefundFen: 8_000n, now: t0 });
    expect(t.status).toBe('REFUNDED');
    expect(t.effects).toEqual([{ kind: 'REFUND', amountFen: 8_000n, fast: true }]);
  });

  it('refunds a granted return before the goods come back, and waits for the return', () => {
    const t = openAfterSale({ afterSaleId: 'as-1', type: 'RETURN_AND_REFUND', amountFen: 8_000n, fastRefund: 'GRANTED', fastRefundFen: 8_000n, now: t0 });
    expect(t.status).toBe('AWAITING_RETURN');
    expect(t.effects).toEqual([{ kind: 'REFUND', amountFen: 8_000n, fast: true }]);
  });

  it('waits for the merchant for 48 h when fast refund is denied', () => {
    const t = openAfterSale({ afterSaleId: 'as-1', type: 'REFUND_ONLY', amountFen: 8_000n, fastRefund: 'DENIED', fastRefundFen: 0n, now: t0 });
    expect(t.status).toBe('AWAITING_MERCHANT');
    expect(t.effects).toEqual([{ kind: 'SCHEDULE', timer: { kind: 'MERCHANT_RESPONSE_DEADLINE', subjectId: 'as-1', dueAt: at(48 * HOUR) } }]);
  });
});

describe('merchant answer', () => {
  it('refunds when the merchant accepts a refund-only request', () => {
    const t = transitionAfterSale(state(), { kind: 'MERCHANT_ACCEPTED' }, at(HOUR));
    expect(t.status).toBe('REFUNDED');
    expect(t.effects).toContainEqual({ kind: 'REFUND', amountFen: 8_000n, fast: false });
    expect(t.effects).toContainEqual({ kind: 'CANCEL', timer: 'MERCHANT_RESPONSE_DEADLINE' });
  });

  it('waits for the goods when the merchant accepts a return', () => {
    expect(transitionAfterSale(state({ type: 'RETURN_AND_REFUND' }), { kind: 'MERCHANT_ACCEPTED' }, at(HOUR)).status).toBe('AWAITING_RETURN');
  });

  it('requires a note to reject', () => {
    expect(() => transitionAfterSale(state(), { kind: 'MERCHANT_REJECTED', note: ' ' }, at(HOUR))).toThrow(ValidationError);
    expect(transitionAfterSale(state(), { kind: 'MERCHANT_REJECTED', note: 'used' }, at(HOUR)).status).toBe('MERCHANT_REJECTED');
  });

  it('lets the platform accept for a merchant silent for 48 h', () => {
    const early = transitionAfterSale(state(), { kind: 'MERCHANT_RESPONSE_DEADLINE' }, at(47 * HOUR));
    expect(early).toMatchObject({ status: 'AWAITING_MERCHANT', effects: [] });
    const t = transitionAfterSale(state(), { kind: 'MERCHANT_RESPONSE_DEADLINE' }, at(48 * HOUR));
    expect(t.status).toBe('REFUNDED');
    expect(t.reasons[0]?.code).toBe('AFTER_SALE.MERCHANT_SILENT');
    expect(t.effects).toContainEqual({ kind: 'REFUND', amountFen: 8_000n, fast: false });
  });

  it('escalates a silent merchant when the policy says so', () => {
    const policy = { ...AFTER_SALE_POLICY, onMerchantSilence: 'ESCALATE' as const };
    expect(transitionAfterSale(state(), { kind: 'MERCHANT_RESPONSE_DEADLINE' }, at(48 * HOUR), policy).status).toBe('IN_DISPUTE');
  });

  it('ignores a response deadline that fires after the merchant answered', () => {
    const t = transitionAfterSale(state({ status: 'MERCHANT_REJECTED' }), { kind: 'MERCHANT_RESPONSE_DEADLINE' }, at(49 * HOUR));
    expect(t).toMatchObject({ status: 'MERCHANT_REJECTED', effects: [] });
  });

  it('refuses an answer to a closed after-sale', () => {
    expect(() => transitionAfterSale(state({ status: 'REFUNDED' }), { kind: 'MERCHANT_ACCEPTED' }, at(HOUR))).toThrow(
      expect.objectContaining({ code: 'AFTER_SALE.INVALID_TRANSITION', kind: 'FAILED_PRECONDITION' }) as Error,
    );
  });
});

describe('disputes', () => {
  const disputed = state({ status: 'IN_DISPUTE' });

  it('escalates a rejected after-sale', () => {
    expect(transitionAfterSale(state({ status: 'MERCHANT_REJECTED' }), { kind: 'ESCALATED', by: 'BUYER' }, at(HOUR)).status).toBe('IN_DISPUTE');
  });

  it('gives the merchant 48 h to pay an award for the buyer', () => {
    const t = transitionAfterSale(disputed, { kind: 'DISPUTE_DECIDED', outcome: 'BUYER_FAVOURED' }, at(HOUR));
    expect(t.status).toBe('AWAITING_MERCHANT_PAYMENT');
    expect(t.awardFen).toBe(8_000n);
    expect(t.effects).toEqual([{ kind: 'SCHEDULE', timer: { kind: 'DISPUTE_PAYMENT_DEADLINE', subjectId: 'as-1', dueAt: at(49 * HOUR) } }]);
  });

  it('bounds a partial award by the request', () => {
    expect(() => transitionAfterSale(disputed, { kind: 'DISPUTE_DECIDED', outcome: 'PARTIAL', awardFen: 9_000n }, at(HOUR))).toThrow(ValidationError);
    expect(() => transitionAfterSale(disputed, { kind: 'DISPUTE_DECIDED', outcome: 'PARTIAL' }, at(HOUR))).toThrow(ValidationError);
    expect(transitionAfterSale(disputed, { kind: 'DISPUTE_DECIDED', outcome: 'PARTIAL', awardFen: 3_000n }, at(HOUR)).awardFen).toBe(3_000n);
  });

  it('closes without money when the merchant is right', () => {
    expect(transitionAfterSale(disputed, { kind: 'DISPUTE_DECIDED', outcome: 'MERCHANT_FAVOURED' }, at(HOUR))).toMatchObject({
      status: 'CLOSED',
      effects: [],
    });
  });

  it('refunds when the merchant pays the award', () => {
    const awaiting = state({ status: 'AWAITING_MERCHANT_PAYMENT', awardFen: 3_000n, paymentDueAt: at(48 * HOUR) });
    const t = transitionAfterSale(awaiting, { kind: 'MERCHANT_ACCEPTED' }, at(HOUR));
    expect(t.status).toBe('REFUNDED');
    expect(t.effects).toContainEqual({ kind: 'REFUND', amountFen: 3_000n, fast: false });
  });

  it('has the fund pay the buyer first when the merchant does not pay within 48 h', () => {
    const awaiting = state({ status: 'AWAITING_MERCHANT_PAYMENT', awardFen: 3_000n, paymentDueAt: at(48 * HOUR) });
    expect(transitionAfterSale(awaiting, { kind: 'DISPUTE_PAYMENT_DEADLINE' }, at(47 * HOUR)).effects).toEqual([]);
    const t = transitionAfterSale(awaiting, { kind: 'DISPUTE_PAYMENT_DEADLINE' }, at(48 * HOUR));
    expect(t.status).toBe('REFUNDED');
    expect(t.effects).toEqual([{ kind: 'ADVANCE_COMPENSATION', cause: 'DISPUTE_UNPAID', amountFen: 3_000n }]);
  });

  it('owes nothing more when a fast refund already paid the award', () => {
    const t = transitionAfterSale(state({ status: 'IN_DISPUTE', refundedFen: 8_000n }), { kind: 'DISPUTE_DECIDED', outcome: 'BUYER_FAVOURED' }, at(HOUR));
    expect(t).toMatchObject({ status: 'REFUNDED', effects: [] });
  });
});

describe('returns', () => {
  const awaitingReturn = state({ type: 'RETURN_AND_REFUND', status: 'AWAITING_RETURN' });

  it('settles return-shipping insurance when the return ships', () => {
    const t = transitionAfterSale(awaitingReturn, { kind: 'RETURN_SHIPPED' }, at(HOUR));
    expect(t.status).toBe('RETURN_IN_TRANSIT');
    expect(t.effects).toEqual([{ kind: 'SETTLE_RETURN_INSURANCE' }]);
  });

  it('pays a fast refund granted on pickup when the carrier picks the return up, once', () => {
    const inTransit = state({ type: 'RETURN_AND_REFUND', status: 'RETURN_IN_TRANSIT', fastRefund: 'GRANTED_ON_PICKUP' });
    expect(transitionAfterSale(inTransit, { kind: 'RETURN_PICKED_UP' }, at(HOUR)).effects).toEqual([{ kind: 'REFUND', amountFen: 8_000n, fast: true }]);
    expect(transitionAfterSale({ ...inTransit, refundedFen: 8_000n }, { kind: 'RETURN_PICKED_UP' }, at(HOUR)).effects).toEqual([]);
  });

  it('refunds on arrival what fast refund did not already pay', () => {
    const inTransit = state({ type: 'RETURN_AND_REFUND', status: 'RETURN_IN_TRANSIT' });
    expect(transitionAfterSale(inTransit, { kind: 'RETURN_DELIVERED' }, at(HOUR)).effects).toEqual([{ kind: 'REFUND', amountFen: 8_000n, fast: false }]);
    expect(transitionAfterSale({ ...inTransit, refundedFen: 8_000n }, { kind: 'RETURN_DELIVERED' }, at(HOUR))).toMatchObject({
      status: 'REFUNDED',
      effects: [],
    });
  });

  it('completes an exchange when the replacement ships', () => {
    const exchange = state({ type: 'EXCHANGE', amountFen: 0n, status: 'RETURN_IN_TRANSIT' });
    expect(transitionAfterSale(exchange, { kind: 'RETURN_DELIVERED' }, at(HOUR)).status).toBe('RETURN_IN_TRANSIT');
    expect(transitionAfterSale(exchange, { kind: 'REPLACEMENT_SHIPPED' }, at(2 * HOUR)).status).toBe('EXCHANGED');
  });
});

describe('protection when the order is settled outside the after-sale', () => {
  it('a removed merchant: the fund pays what the after-sale still owes and every timer stops', () => {
    const t = transitionAfterSale(state({ refundedFen: 3_000n }), { kind: 'MERCHANT_REMOVED' }, t0);
    expect(t.status).toBe('REFUNDED');
    expect(t.effects).toEqual([
      { kind: 'CANCEL', timer: 'MERCHANT_RESPONSE_DEADLINE' },
      { kind: 'CANCEL', timer: 'DISPUTE_PAYMENT_DEADLINE' },
      { kind: 'ADVANCE_COMPENSATION', cause: 'MERCHANT_REMOVED', amountFen: 5_000n },
    ]);
    expect(t.reasons[0]?.code).toBe('AFTER_SALE.FUND_PROTECTED');
  });

  it('a removed merchant owes an awarded amount, and an exchange becomes the rest of the price', () => {
    const award = transitionAfterSale(state({ status: 'AWAITING_MERCHANT_PAYMENT', awardFen: 6_000n }), { kind: 'MERCHANT_REMOVED' }, t0);
    expect(award.effects.at(-1)).toEqual({ kind: 'ADVANCE_COMPENSATION', cause: 'MERCHANT_REMOVED', amountFen: 6_000n });
    const exchange = transitionAfterSale(state({ type: 'EXCHANGE', amountFen: 0n, status: 'RETURN_IN_TRANSIT' }), { kind: 'MERCHANT_REMOVED' }, t0);
    expect(exchange.effects.at(-1)).toEqual({ kind: 'ADVANCE_COMPENSATION', cause: 'MERCHANT_REMOVED' });
  });

  it('closes an open after-sale of an order paid back in full elsewhere, and leaves settled ones alone', () => {
    const closed = transitionAfterSale(state(), { kind: 'ORDER_REFUNDED_IN_FULL' }, t0);
    expect(closed.status).toBe('CLOSED');
    expect(closed.effects.every((e) => e.kind === 'CANCEL')).toBe(true);
    const settled = transitionAfterSale(state({ status: 'REFUNDED' }), { kind: 'ORDER_REFUNDED_IN_FULL' }, t0);
    expect(settled).toMatchObject({ status: 'REFUNDED', effects: [] });
    expect(transitionAfterSale(state({ status: 'CLOSED' }), { kind: 'MERCHANT_REMOVED' }, t0).effects).toEqual([]);
  });
});
