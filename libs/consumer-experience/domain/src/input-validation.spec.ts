import { DomainError, HOUR, ValidationError, Violations } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { routeComplaint, validateComplaint } from './complaints';
import { checkAmount, checkPastTimestamp, checkRefundWithinPaid } from './input-validation';
import { INPUT_POLICY } from './input.policy';
import { validateRecordOrder } from './order-input';

const now = new Date('2026-11-10T12:00:00Z');

const violationsOf = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).violations.map((v) => `${v.field}:${v.reason}`);
  }
  throw new Error('expected a ValidationError');
};

const order = {
  orderId: 'o-1',
  buyerId: 'b-1',
  merchantId: 'm-1',
  productId: 'p-1',
  skuId: 's-1',
  categoryCode: 'home.kitchen',
  amountFen: 9_900n,
  paidAt: new Date('2026-11-10T10:00:00Z'),
  fulfilment: 'IN_STOCK' as const,
};

describe('amount checks', () => {
  it('rejects zero, negative and beyond-policy amounts as OUT_OF_RANGE, the description naming the bound', () => {
    const v = new Violations();
    checkAmount(v, 'a', 0n);
    checkAmount(v, 'b', -1n);
    checkAmount(v, 'c', INPUT_POLICY.maxAmountFen + 1n);
    checkAmount(v, 'd', 9_223_372_036_854_775_807n);
    expect(v.items.map((x) => `${x.field}:${x.reason}:${x.description}`)).toEqual([
      'a:OUT_OF_RANGE:must be greater than zero',
      'b:OUT_OF_RANGE:must not be negative',
      `c:OUT_OF_RANGE:must be at most ${INPUT_POLICY.maxAmountFen} fen`,
      `d:OUT_OF_RANGE:must be at most ${INPUT_POLICY.maxAmountFen} fen`,
    ]);
  });

  it('accepts the maximum itself, and zero where zero means none', () => {
    const v = new Violations();
    expect(checkAmount(v, 'a', INPUT_POLICY.maxAmountFen)).toBe(true);
    expect(checkAmount(v, 'b', 0n, { allowZero: true })).toBe(true);
    expect(v.any).toBe(false);
  });

  it('keeps the policy maximum exact as a JavaScript number', () => {
    expect(INPUT_POLICY.maxAmountFen < BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('rejects a refund larger than what was paid', () => {
    const v = new Violations();
    checkRefundWithinPaid(v, 'amount_fen', 10_001n, 10_000n);
    checkRefundWithinPaid(v, 'ok', 10_000n, 10_000n);
    expect(v.items.map((x) => `${x.field}:${x.reason}`)).toEqual(['amount_fen:REFUND_EXCEEDS_PAID']);
  });
});

describe('timestamps', () => {
  it('tolerates the clock skew and rejects anything further in the future', () => {
    const v = new Violations();
    expect(checkPastTimestamp(v, 'a', new Date(now.getTime() + INPUT_POLICY.clockSkewMs), now)).toBe(true);
    expect(checkPastTimestamp(v, 'b', new Date(now.getTime() + INPUT_POLICY.clockSkewMs + 1), now)).toBe(false);
    expect(checkPastTimestamp(v, 'c', undefined, now)).toBe(false);
    expect(checkPastTimestamp(v, 'd', new Date(Number.NaN), now)).toBe(false);
    expect(v.items.map((x) => `${x.field}:${x.reason}`)).toEqual(['b:IN_FUTURE', 'c:REQUIRED', 'd:INVALID_TIMESTAMP']);
  });
});

describe('validateRecordOrder', () => {
  it('accepts a well-formed order', () => {
    expect(() => validateRecordOrder(order, now)).not.toThrow();
  });

  it('lists every bad field at once', () => {
    const bad = { ...order, buyerId: ' ', amountFen: -5n, paidAt: new Date(now.getTime() + HOUR), fulfilment: undefined };
    expect(violationsOf(() => validateRecordOrder(bad, now))).toEqual([
      'buyer_id:REQUIRED',
      'amount_fen:OUT_OF_RANGE',
      'paid_at:IN_FUTURE',
      'fulfilment:REQUIRED',
    ]);
  });

  it('carries a stable error code', () => {
    expect(() => validateRecordOrder({ ...order, amountFen: 0n }, now)).toThrow(
      expect.objectContaining({ code: 'ORDER.INVALID', kind: 'INVALID_ARGUMENT' }) as DomainError,
    );
  });
});

describe('complaints', () => {
  it('routes each target to the service that owns it', () => {
    expect(routeComplaint('CONTENT')).toBe('content');
    expect(routeComplaint('PRODUCT')).toBe('product-quality');
    expect(routeComplaint('MERCHANT')).toBe('merchant-access');
    expect(routeComplaint('SERVICE')).toBe('consumer-experience');
  });

  it('needs an order for a service complaint and bounded text', () => {
    expect(
      violationsOf(() => validateComplaint({ buyerId: 'b', targetType: 'SERVICE', targetId: 'o-1', text: 'x'.repeat(2001) })),
    ).toEqual(['order_id:REQUIRED', 'text:TOO_LONG']);
  });
});
