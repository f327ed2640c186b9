import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import {
  applyRefund,
  compensationEntitlement,
  emptyPayouts,
  failedInspectionCompensation,
  planAdvanceCompensation,
  requireCauseApplies,
  statutoryAmount,
  type OrderPayouts,
} from './compensation';
import { COMPENSATION_POLICY } from './compensation.policy';
import { applyPostings, isBalanced } from './ledger';

const capReached = expect.objectContaining({ code: 'COMPENSATION.CAP_REACHED', kind: 'FAILED_PRECONDITION' }) as Error;

describe('statutoryAmount', () => {
  it('fraud: 3x the price, at least 500 yuan', () => {
    expect(statutoryAmount('FRAUD', 10_000n).amountFen).toBe(50_000n);
    expect(statutoryAmount('FRAUD', 16_666n).amountFen).toBe(50_000n);
    expect(statutoryAmount('FRAUD', 16_667n).amountFen).toBe(50_001n);
    expect(statutoryAmount('FRAUD', 100_000n).amountFen).toBe(300_000n);
  });

  it('food safety: 10x the price, at least 1000 yuan', () => {
    expect(statutoryAmount('FOOD_SAFETY', 1_000n).amountFen).toBe(100_000n);
    expect(statutoryAmount('FOOD_SAFETY', 10_000n).amountFen).toBe(100_000n);
    expect(statutoryAmount('FOOD_SAFETY', 10_001n).amountFen).toBe(100_010n);
    expect(statutoryAmount('FOOD_SAFETY', 250_000n).amountFen).toBe(2_500_000n);
  });

  it('cites the law and the numbers', () => {
    const { reason } = statutoryAmount('FOOD_SAFETY', 2_000n);
    expect(reason.code).toBe('COMPENSATION.STATUTORY.FOOD_SAFETY');
    expect(reason.evidence).toMatchObject({ multiple_fen: '20000', min_fen: '100000', amount_fen: '100000' });
  });
});

describe('applyRefund (no refund twice, never beyond the price)', () => {
  const payouts = emptyPayouts(10_000n);

  it('refunds up to the price across after-sales and refuses the rest', () => {
    const after = applyRefund(applyRefund(payouts, { amountFen: 6_000n, afterSaleId: 'as-1' }), { amountFen: 4_000n, afterSaleId: 'as-2' });
    expect(after.refundedFen).toBe(10_000n);
    expect(() => applyRefund(after, { amountFen: 1n, afterSaleId: 'as-3' })).toThrow(
      expect.objectContaining({ code: 'REFUND.EXCEEDS_REFUNDABLE', kind: 'FAILED_PRECONDITION' }) as Error,
    );
  });

  it('refuses to refund the same after-sale twice', () => {
    const once = applyRefund(payouts, { amountFen: 1_000n, afterSaleId: 'as-1' });
    expect(() => applyRefund(once, { amountFen: 1_000n, afterSaleId: 'as-1' })).toThrow(
      expect.objectContaining({ code: 'REFUND.ALREADY_PAID' }) as Error,
    );
  });

  it('rejects zero and negative refunds as bad input', () => {
    expect(() => applyRefund(payouts, { amountFen: 0n })).toThrow(ValidationError);
    expect(() => applyRefund(payouts, { amountFen: -1n })).toThrow(ValidationError);
  });

  it('lets many concurrent-looking requests pay only up to the price', () => {
    let state: OrderPayouts = payouts;
    let paid = 0;
    let refused = 0;
    for (let i = 0; i < 100; i += 1) {
      try {
        state = applyRefund(state, { amountFen: 300n, afterSaleId: `as-${i}` });
        paid += 1;
      } catch {
        refused += 1;
      }
    }
    expect(paid).toBe(33);
    expect(refused).toBe(67);
    expect(state.refundedFen).toBe(9_900n);
  });
});

describe('compensationEntitlement', () => {
  const payouts = emptyPayouts(20_000n);

  it('failed inspection pays back what is still refundable of the price', () => {
    const e = compensationEntitlement({ cause: 'FAILED_INSPECTION', payouts: { ...payouts, refundedFen: 5_000n } });
    expect(e).toMatchObject({ kind: 'REFUND', amountFen: 15_000n, payouts: { refundedFen: 20_000n } });
    expect(() => compensationEntitlement({ cause: 'FAILED_INSPECTION', payouts: e.payouts })).toThrow(capReached);
  });

  it('an unpaid dispute award is paid once per after-sale, within the price', () => {
    const e = compensationEntitlement({ cause: 'DISPUTE_UNPAID', payouts, requestedFen: 8_000n, afterSaleId: 'as-1' });
    expect(e.amountFen).toBe(8_000n);
    expect(() => compensationEntitlement({ cause: 'DISPUTE_UNPAID', payouts: e.payouts, requestedFen: 8_000n, afterSaleId: 'as-1' })).toThrow(
      expect.objectContaining({ code: 'REFUND.ALREADY_PAID' }) as Error,
    );
    const capped = compensationEntitlement({ cause: 'DISPUTE_UNPAID', payouts: { ...payouts, refundedFen: 15_000n }, requestedFen: 8_000n, afterSaleId: 'as-2' });
    expect(capped.amountFen).toBe(5_000n);
    expect(capped.reasons.map((r) => r.code)).toContain('COMPENSATION.CAPPED_AT_PRICE');
    expect(() => compensationEntitlement({ cause: 'DISPUTE_UNPAID', payouts })).toThrow(ValidationError);
  });

  it('a removed merchant\'s order is refunded what remains, or an open after-sale\'s amount', () => {
    expect(compensationEntitlement({ cause: 'MERCHANT_REMOVED', payouts }).amountFen).toBe(20_000n);
    expect(compensationEntitlement({ cause: 'MERCHANT_REMOVED', payouts, requestedFen: 3_000n, afterSaleId: 'as-9' }).amountFen).toBe(3_000n);
  });

  it('pays statutory damages on top of a full refund', () => {
    const refunded = { ...payouts, refundedFen: 20_000n };
    const e = compensationEntitlement({ cause: 'FRAUD', payouts: refunded });
    expect(e).toMatchObject({ kind: 'PUNITIVE', amountFen: 60_000n });
  });

  it('pays one statutory award per order: a larger cause later pays only the difference', () => {
    const fraud = compensationEntitlement({ cause: 'FRAUD', payouts });
    expect(fraud.amountFen).toBe(60_000n);
    expect(() => compensationEntitlement({ cause: 'FRAUD', payouts: fraud.payouts })).toThrow(capReached);
    const food = compensationEntitlement({ cause: 'FOOD_SAFETY', payouts: fraud.payouts });
    expect(food.amountFen).toBe(200_000n - 60_000n);
    expect(food.payouts.punitiveFen).toBe(200_000n);
    expect(() => compensationEntitlement({ cause: 'FRAUD', payouts: food.payouts })).toThrow(capReached);
  });

  it('compensates a late dispatch once', () => {
    const e = compensationEntitlement({ cause: 'LATE_DISPATCH', payouts });
    expect(e).toMatchObject({ kind: 'LATE_DISPATCH', amountFen: 5_000n });
    expect(() => compensationEntitlement({ cause: 'LATE_DISPATCH', payouts: e.payouts })).toThrow(capReached);
  });

  it('rejects a requested amount that is not positive', () => {
    expect(() => compensationEntitlement({ cause: 'MERCHANT_REMOVED', payouts, requestedFen: 0n })).toThrow(ValidationError);
  });
});

describe('planAdvanceCompensation', () => {
  it('pays a food-safety award from the fund, recovers what the deposit holds and asks for a top-up', () => {
    const plan = planAdvanceCompensation({
      orderId: 'o-1',
      merchantId: 'm-1',
      cause: 'FOOD_SAFETY',
      payouts: emptyPayouts(3_000n),
      deposit: { balanceFen: 60_000n, minimumFen: 50_000n, owedFen: 0n },
    });
    expect(plan).toMatchObject({ amountFen: 100_000n, recoveredFen: 60_000n, outstandingFen: 40_000n });
    expect(plan.topUp).toMatchObject({ requested: true, amountFen: 90_000n });
    expect(plan.posting.memo).toBe('COMPENSATION.FOOD_SAFETY');
    expect(isBalanced(plan.posting)).toBe(true);
    expect(applyPostings(new Map(), [plan.posting]).get('BUYER_PAYOUT')).toBe(100_000n);
    expect(plan.reasons.map((r) => r.code)).toEqual([
      'COMPENSATION.STATUTORY.FOOD_SAFETY',
      'COMPENSATION.RECOVERY',
      'DEPOSIT.TOP_UP_REQUESTED',
    ]);
    expect(plan.policy.version).toBe(COMPENSATION_POLICY.version);
  });

  it('writes nothing when the cap is reached', () => {
    const payouts = { ...emptyPayouts(3_000n), refundedFen: 3_000n };
    expect(() =>
      planAdvanceCompensation({ orderId: 'o-1', merchantId: 'm-1', cause: 'FAILED_INSPECTION', payouts, deposit: { balanceFen: 0n, minimumFen: 0n, owedFen: 0n } }),
    ).toThrow(capReached);
  });
});

describe('requireCauseApplies', () => {
  const order = { categoryCode: 'home.kitchen', lateDispatch: false, merchantRemoved: false };

  it('refuses food damages for non-food, late-dispatch pay for an order on time, removal protection for an active merchant', () => {
    expect(() => requireCauseApplies('FOOD_SAFETY', order)).toThrow(expect.objectContaining({ code: 'COMPENSATION.NOT_FOOD' }) as Error);
    expect(() => requireCauseApplies('LATE_DISPATCH', order)).toThrow(expect.objectContaining({ code: 'COMPENSATION.NOT_LATE' }) as Error);
    expect(() => requireCauseApplies('MERCHANT_REMOVED', order)).toThrow(expect.objectContaining({ code: 'COMPENSATION.MERCHANT_NOT_REMOVED' }) as Error);
  });

  it('accepts them when they apply, and food by category tree', () => {
    expect(() => requireCauseApplies('FOOD_SAFETY', { ...order, categoryCode: 'food.snacks.nuts' })).not.toThrow();
    expect(() => requireCauseApplies('FOOD_SAFETY', { ...order, categoryCode: 'foodstuff-boxes' })).toThrow();
    expect(() => requireCauseApplies('LATE_DISPATCH', { ...order, lateDispatch: true })).not.toThrow();
    expect(() => requireCauseApplies('FRAUD', order)).not.toThrow();
  });
});

describe('failedInspectionCompensation', () => {
  const failedAt = new Date('2026-11-20T00:00:00Z');

  it('pays back buyers of the last 90 days for a critical failure only', () => {
    const critical = failedInspectionCompensation({ severity: 'CRITICAL', criticalDefects: 1, failedAt });
    expect(critical.compensates).toBe(true);
    expect(critical.paidSince).toEqual(new Date('2026-08-22T00:00:00Z'));
    expect(failedInspectionCompensation({ severity: 'MAJOR', criticalDefects: 0, failedAt }).compensates).toBe(false);
  });

  it('treats any critical defect as critical, whatever the severity field says', () => {
    expect(failedInspectionCompensation({ severity: undefined, criticalDefects: 2, failedAt }).compensates).toBe(true);
  });
});
