import { DAY, HOUR, ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { assessAfterSaleRequest, assessNoReasonReturn, requireEligible, returnExemptions, type OrderForAfterSale } from './after-sale-eligibility';

const paidAt = new Date('2026-11-01T08:00:00Z');
const at = (ms: number) => new Date(paidAt.getTime() + ms);
const deliveredAt = at(3 * DAY);

const goods = { categoryCode: 'home.kitchen', declaredExemptions: [], goodsUnsealed: false };

describe('returnExemptions (Consumer Rights Protection Law art. 25 and platform categories)', () => {
  it('exempts fresh food, custom-made goods and periodicals whether sealed or not', () => {
    expect(returnExemptions({ ...goods, categoryCode: 'food.fresh.fruit' })).toEqual(['PERISHABLE']);
    expect(returnExemptions({ ...goods, declaredExemptions: ['CUSTOM_MADE'] })).toEqual(['CUSTOM_MADE']);
    expect(returnExemptions({ ...goods, categoryCode: 'media.periodical' })).toEqual(['PERIODICAL']);
  });

  it('exempts digital goods and hygiene items only once unsealed', () => {
    expect(returnExemptions({ ...goods, categoryCode: 'media.digital.music' })).toEqual([]);
    expect(returnExemptions({ ...goods, categoryCode: 'media.digital.music', goodsUnsealed: true })).toEqual(['DIGITAL_UNSEALED']);
    expect(returnExemptions({ ...goods, categoryCode: 'apparel.underwear' })).toEqual([]);
    expect(returnExemptions({ ...goods, categoryCode: 'apparel.underwear', goodsUnsealed: true })).toEqual(['HYGIENE_OPENED']);
  });

  it('does not match a category that merely shares a prefix string', () => {
    expect(returnExemptions({ ...goods, categoryCode: 'food.freshwater-fish-tank' })).toEqual([]);
  });
});

describe('assessNoReasonReturn', () => {
  it('is eligible within 7 days of delivery', () => {
    const a = assessNoReasonReturn({ ...goods, deliveredAt }, at(3 * DAY + 7 * DAY));
    expect(a.eligible).toBe(true);
    expect(a.windowEndsAt).toEqual(at(10 * DAY));
  });

  it('closes after 7 days from delivery, not from payment', () => {
    expect(assessNoReasonReturn({ ...goods, deliveredAt }, at(9 * DAY)).eligible).toBe(true);
    const late = assessNoReasonReturn({ ...goods, deliveredAt }, at(10 * DAY + 1));
    expect(late.eligible).toBe(false);
    expect(late.reasons.map((r) => r.code)).toEqual(['AFTER_SALE.NO_REASON_WINDOW_CLOSED']);
  });

  it('is not open before delivery', () => {
    expect(assessNoReasonReturn({ ...goods }, at(DAY)).reasons[0]?.code).toBe('AFTER_SALE.NOT_DELIVERED');
  });

  it('refuses exempt goods with the exemption as the reason', () => {
    const a = assessNoReasonReturn({ ...goods, categoryCode: 'food.fresh', deliveredAt }, at(4 * DAY));
    expect(a.eligible).toBe(false);
    expect(a.reasons[0]?.code).toBe('AFTER_SALE.NO_REASON_EXEMPT.PERISHABLE');
  });
});

describe('assessAfterSaleRequest', () => {
  const order: OrderForAfterSale = {
    orderId: 'o-1',
    buyerId: 'b-1',
    categoryCode: 'home.kitchen',
    amountFen: 10_000n,
    declaredExemptions: [],
    refundedFen: 0n,
  };
  const request = {
    afterSaleId: 'as-1',
    buyerId: 'b-1',
    type: 'REFUND_ONLY' as const,
    reason: 'NOT_WANTED_BEFORE_DISPATCH' as const,
    amountFen: 10_000n,
    goodsUnsealed: false,
  };
  const now = at(HOUR);

  it('opens a pre-dispatch refund and gives the merchant 48 h to answer', () => {
    const a = assessAfterSaleRequest(order, request, now);
    expect(a.eligible).toBe(true);
    expect(a.preDispatch).toBe(true);
    expect(a.timers).toEqual([{ kind: 'MERCHANT_RESPONSE_DEADLINE', subjectId: 'as-1', dueAt: at(49 * HOUR) }]);
  });

  it('rejects bad input as a ValidationError: zero, negative, more than paid, another buyer', () => {
    for (const bad of [{ amountFen: 0n }, { amountFen: -1n }, { amountFen: 10_001n }, { buyerId: 'b-2' }]) {
      expect(() => assessAfterSaleRequest(order, { ...request, ...bad }, now)).toThrow(ValidationError);
    }
  });

  it('blocks asking for more than is still refundable with FAILED_PRECONDITION', () => {
    const a = assessAfterSaleRequest({ ...order, refundedFen: 4_000n }, { ...request, amountFen: 7_000n }, now);
    expect(a.eligible).toBe(false);
    expect(a.blocking.map((r) => r.code)).toEqual(['AFTER_SALE.EXCEEDS_REFUNDABLE']);
    expect(() => requireEligible(a)).toThrow(expect.objectContaining({ kind: 'FAILED_PRECONDITION', code: 'AFTER_SALE.EXCEEDS_REFUNDABLE' }) as Error);
  });

  it('allows one open after-sale per order, and none once the order is paid back in full', () => {
    const open = assessAfterSaleRequest({ ...order, openAfterSaleId: 'as-0' }, { ...request, amountFen: 1_000n }, now);
    expect(open.blocking.map((r) => r.code)).toEqual(['AFTER_SALE.ALREADY_OPEN']);
    expect(open.blocking[0]?.evidence).toEqual({ open_after_sale_id: 'as-0' });
    const refunded = assessAfterSaleRequest({ ...order, refundedFen: 10_000n }, { ...request, amountFen: 1_000n }, now);
    expect(refunded.blocking[0]?.code).toBe('AFTER_SALE.ORDER_REFUNDED');
  });

  it('needs a dispatch before a return, and no dispatch for "not wanted before dispatch"', () => {
    const ret = assessAfterSaleRequest(order, { ...request, type: 'RETURN_AND_REFUND', reason: 'QUALITY_DEFECT' }, now);
    expect(ret.blocking[0]?.code).toBe('AFTER_SALE.NOT_DISPATCHED');
    const shipped = { ...order, shippedAt: at(2 * HOUR) };
    expect(assessAfterSaleRequest(shipped, request, at(3 * HOUR)).blocking[0]?.code).toBe('AFTER_SALE.ALREADY_DISPATCHED');
  });

  it('applies the no-reason window and its exemptions to no-reason returns', () => {
    const delivered = { ...order, shippedAt: at(HOUR), deliveredAt };
    const noReason = { ...request, type: 'RETURN_AND_REFUND' as const, reason: 'NO_REASON_7_DAYS' as const };
    expect(assessAfterSaleRequest(delivered, noReason, at(5 * DAY)).eligible).toBe(true);
    expect(assessAfterSaleRequest(delivered, noReason, at(11 * DAY)).blocking[0]?.code).toBe('AFTER_SALE.NO_REASON_WINDOW_CLOSED');
    const custom = { ...delivered, declaredExemptions: ['CUSTOM_MADE' as const] };
    expect(assessAfterSaleRequest(custom, noReason, at(5 * DAY)).blocking[0]?.code).toBe('AFTER_SALE.NO_REASON_EXEMPT.CUSTOM_MADE');
    expect(assessAfterSaleRequest(delivered, { ...noReason, type: 'REFUND_ONLY' }, at(5 * DAY)).blocking[0]?.code).toBe(
      'AFTER_SALE.NO_REASON_NEEDS_RETURN',
    );
  });

  it('still allows a quality return of exempt goods after the window, and marks it a quality return', () => {
    const fresh = { ...order, categoryCode: 'food.fresh', shippedAt: at(HOUR), deliveredAt };
    const a = assessAfterSaleRequest(fresh, { ...request, type: 'RETURN_AND_REFUND', reason: 'QUALITY_DEFECT' }, at(20 * DAY));
    expect(a.eligible).toBe(true);
    expect(a.qualityReturn).toBe(true);
  });

  it('takes no amount for an exchange', () => {
    const delivered = { ...order, shippedAt: at(HOUR), deliveredAt };
    expect(() => assessAfterSaleRequest(delivered, { ...request, type: 'EXCHANGE', reason: 'WRONG_ITEM', amountFen: 100n }, at(4 * DAY))).toThrow(
      ValidationError,
    );
    expect(assessAfterSaleRequest(delivered, { ...request, type: 'EXCHANGE', reason: 'WRONG_ITEM', amountFen: 0n }, at(4 * DAY)).eligible).toBe(true);
  });
});
