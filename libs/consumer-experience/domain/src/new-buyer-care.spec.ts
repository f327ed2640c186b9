import { DAY, HOUR } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { transitionAfterSale } from './after-sale-flow';
import { payoutKindOf } from './compensation';
import { careSchedule, decideCare, isNewBuyerOrder, type CareFacts, type CareState } from './new-buyer-care';
import { NEW_BUYER_CARE_POLICIES, NEW_BUYER_CARE_POLICY, NEW_BUYER_CARE_POLICY_2026_12_05 } from './new-buyer-care.policy';

const paidAt = new Date('2026-11-10T00:00:00Z');

describe('new buyer', () => {
  it('is one of the first 3 orders within 30 days of the first, whichever ends first', () => {
    expect(isNewBuyerOrder({ priorOrders: 0, firstPaidAt: paidAt }, paidAt).newBuyer).toBe(true);
    expect(isNewBuyerOrder({ priorOrders: 2, firstPaidAt: new Date(paidAt.getTime() - 29 * DAY) }, paidAt).newBuyer).toBe(true);
    const fourth = isNewBuyerOrder({ priorOrders: 3, firstPaidAt: new Date(paidAt.getTime() - DAY) }, paidAt);
    expect(fourth.newBuyer).toBe(false);
    expect(fourth.reasons[0]?.code).toBe('CARE.NOT_NEW_BUYER');
    expect(isNewBuyerOrder({ priorOrders: 1, firstPaidAt: new Date(paidAt.getTime() - 31 * DAY) }, paidAt).newBuyer).toBe(false);
  });

  it('loads by version', () => {
    expect(NEW_BUYER_CARE_POLICIES.find(NEW_BUYER_CARE_POLICY.version)).toBe(NEW_BUYER_CARE_POLICY);
  });
});

describe('care steps', () => {
  const dispatchDue = new Date(paidAt.getTime() + 48 * HOUR);
  const state = (over: Partial<CareState>): CareState => ({ kind: 'DISPATCH_STUCK', shipped: false, refundedInFull: false, scanned: false, afterSaleOpen: false, ...over });
  const facts = (step: CareFacts['step'], over: Partial<CareState>): CareFacts => ({ at: dispatchDue, caseId: 'c', orderId: 'o', merchantId: 'm', buyerId: 'b', step, state: state(over) });

  it('schedules the nudge before the dispatch promise and the step-in after it', () => {
    expect(careSchedule('DISPATCH_STUCK', dispatchDue)).toEqual({ kind: 'DISPATCH_STUCK', nudgeAt: new Date(paidAt.getTime() + 36 * HOUR), stepInAt: new Date(paidAt.getTime() + 72 * HOUR) });
  });

  it('opens and nudges when stuck, steps in when still stuck, and stands down once the merchant moved', () => {
    expect(decideCare(facts('NUDGE', {})).outcome).toBe('OPEN_AND_NUDGE');
    const stepIn = decideCare(facts('STEP_IN', {}));
    expect(stepIn.outcome).toBe('PLATFORM_STEPS_IN');
    expect(stepIn.reasons.map((r) => r.code)).toEqual(['CARE.NOT_DISPATCHED', 'CARE.PLATFORM_REFUNDS_ORDER']);
    expect(stepIn.policy.version).toBe(NEW_BUYER_CARE_POLICY.version);
    expect(decideCare(facts('STEP_IN', { shipped: true })).outcome).toBe('NOT_STUCK');
    expect(decideCare(facts('NUDGE', { refundedInFull: true })).outcome).toBe('NOT_STUCK');
  });

  it('rechecks a merchant move: unstuck resolves the case at once, a move that left it stuck changes nothing', () => {
    expect(decideCare(facts('RECHECK', { shipped: true }))).toMatchObject({ outcome: 'NOT_STUCK', reasons: [{ code: 'CARE.MOVED_ON' }] });
    expect(decideCare(facts('RECHECK', { kind: 'NO_LOGISTICS_SCAN', shipped: true, scanned: true })).outcome).toBe('NOT_STUCK');
    const still = decideCare(facts('RECHECK', { kind: 'NO_LOGISTICS_SCAN', shipped: true }));
    expect(still).toMatchObject({ outcome: 'STILL_STUCK', reasons: [{ code: 'CARE.NO_LOGISTICS_SCAN' }] });
  });

  it('watches return shipping owed from 2026-12-05.2: stuck while unpaid whatever became of the price, the fund pays at the second bound', () => {
    const shipped = new Date(paidAt.getTime() + 5 * DAY);
    expect(careSchedule('RETURN_FEE_UNSETTLED', shipped)).toEqual({ kind: 'RETURN_FEE_UNSETTLED', nudgeAt: new Date(shipped.getTime() + DAY), stepInAt: new Date(shipped.getTime() + 3 * DAY) });
    expect(() => careSchedule('RETURN_FEE_UNSETTLED', shipped, NEW_BUYER_CARE_POLICY_2026_12_05)).toThrow(/does not watch RETURN_FEE_UNSETTLED/);
    const owed = { kind: 'RETURN_FEE_UNSETTLED' as const, shipped: true, refundedInFull: true, returnFeeOwed: true };
    expect(decideCare(facts('NUDGE', owed)).outcome).toBe('OPEN_AND_NUDGE');
    expect(decideCare(facts('STEP_IN', owed)).reasons.map((r) => r.code)).toEqual(['CARE.RETURN_FEE_UNSETTLED', 'CARE.PLATFORM_PAYS_RETURN_FEE']);
    expect(decideCare(facts('STEP_IN', { ...owed, returnFeeOwed: false })).outcome).toBe('NOT_STUCK');
    expect(decideCare(facts('RECHECK', { ...owed, returnFeeOwed: false })).outcome).toBe('NOT_STUCK');
    // The earlier version still decides its own kinds as it did.
    expect(decideCare(facts('STEP_IN', {}), NEW_BUYER_CARE_POLICY_2026_12_05)).toMatchObject({ outcome: 'PLATFORM_STEPS_IN', policy: { version: '2026-12-05.1' } });
  });

  it('watches scans after dispatch and open refund requests', () => {
    expect(decideCare(facts('NUDGE', { kind: 'NO_LOGISTICS_SCAN', shipped: true })).outcome).toBe('OPEN_AND_NUDGE');
    expect(decideCare(facts('NUDGE', { kind: 'NO_LOGISTICS_SCAN', shipped: true, scanned: true })).outcome).toBe('NOT_STUCK');
    const refund = decideCare(facts('STEP_IN', { kind: 'REFUND_PENDING', shipped: true, afterSaleOpen: true }));
    expect(refund.reasons.map((r) => r.code)).toEqual(['CARE.REFUND_PENDING', 'CARE.PLATFORM_REFUNDS_AFTER_SALE']);
  });

  it('pays care as a refund, and settles an open after-sale from the fund', () => {
    expect(payoutKindOf('NEW_BUYER_CARE')).toBe('REFUND');
    const at = new Date(paidAt.getTime() + 5 * DAY);
    const transition = transitionAfterSale(
      { afterSaleId: 'as-1', type: 'REFUND_ONLY', status: 'AWAITING_MERCHANT', amountFen: 3_000n, refundedFen: 0n, fastRefund: 'NOT_APPLICABLE' },
      { kind: 'PLATFORM_CARE' },
      at,
    );
    expect(transition.status).toBe('REFUNDED');
    expect(transition.effects).toContainEqual({ kind: 'ADVANCE_COMPENSATION', cause: 'NEW_BUYER_CARE', amountFen: 3_000n });
    expect(transition.reasons[0]?.code).toBe('AFTER_SALE.CARE_PROTECTED');
  });
});
