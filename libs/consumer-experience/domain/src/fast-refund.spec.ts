import { describe, expect, it } from 'vitest';
import { buyerAbuseSignal, decideFastRefund, type FastRefundInput } from './fast-refund';
import { FAST_REFUND_POLICY } from './fast-refund.policy';

const now = new Date('2026-11-05T10:00:00Z');

const base: FastRefundInput = {
  type: 'RETURN_AND_REFUND',
  reason: 'QUALITY_DEFECT',
  amountFen: 10_000n,
  preDispatch: false,
  forwardPickedUp: true,
  returnPickedUp: false,
  buyerTrustScore: 75,
  buyerHistory: { ordersInWindow: 20, refundsInWindow: 1 },
  merchant: { status: 'ACTIVE', storeScore: 4.6 },
};
const abusive = { ordersInWindow: 8, refundsInWindow: 6 };
const codes = (input: Partial<FastRefundInput>) => decideFastRefund({ ...base, ...input }, now).reasons.map((r) => r.code);

describe('buyerAbuseSignal', () => {
  it('needs both enough refunds and a refund rate above the maximum', () => {
    expect(buyerAbuseSignal(abusive).abusive).toBe(true);
    expect(buyerAbuseSignal({ ordersInWindow: 4, refundsInWindow: 4 }).abusive).toBe(false);
    expect(buyerAbuseSignal({ ordersInWindow: 10, refundsInWindow: 5 }).abusive).toBe(false);
    expect(buyerAbuseSignal({ ordersInWindow: 0, refundsInWindow: 0 }).refundRate).toBe(0);
  });
});

describe('decideFastRefund', () => {
  it('refunds a pre-dispatch request at once, whatever the trust score, amount or abuse signal', () => {
    const d = decideFastRefund(
      { ...base, type: 'REFUND_ONLY', reason: 'NOT_WANTED_BEFORE_DISPATCH', preDispatch: true, forwardPickedUp: false, buyerTrustScore: 5, amountFen: 5_000_000n, buyerHistory: abusive },
      now,
    );
    expect(d).toMatchObject({ outcome: 'GRANTED', preDispatch: true, refundFen: 5_000_000n });
    expect(d.reasons[0]?.code).toBe('FAST_REFUND.PRE_DISPATCH');
    expect(d.policy).toEqual({ name: FAST_REFUND_POLICY.name, version: FAST_REFUND_POLICY.version });
    expect(d.decidedAt).toEqual(now);
  });

  it('lets a policy make the abuse signal guard pre-dispatch refunds too', () => {
    const policy = { ...FAST_REFUND_POLICY, abuse: { ...FAST_REFUND_POLICY.abuse, guardsPreDispatch: true } };
    const d = decideFastRefund({ ...base, type: 'REFUND_ONLY', preDispatch: true, buyerHistory: abusive }, now, policy);
    expect(d.outcome).toBe('DENIED');
  });

  it('does not apply to exchanges', () => {
    expect(decideFastRefund({ ...base, type: 'EXCHANGE', amountFen: 0n }, now).outcome).toBe('NOT_APPLICABLE');
  });

  it('grants a post-dispatch return on pickup for a trusted buyer within the cap', () => {
    const d = decideFastRefund(base, now);
    expect(d).toMatchObject({ outcome: 'GRANTED_ON_PICKUP', refundFen: 10_000n, preDispatch: false });
    expect(d.reasons.map((r) => r.code)).toEqual(['FAST_REFUND.BUYER_HISTORY_OK', 'FAST_REFUND.TRUST_TIER', 'FAST_REFUND.AWAITING_PICKUP']);
  });

  it('refunds at once when the return pickup scan is already there', () => {
    expect(decideFastRefund({ ...base, returnPickedUp: true }, now).outcome).toBe('GRANTED');
  });

  it('denies an abusive buyer after dispatch', () => {
    const d = decideFastRefund({ ...base, buyerHistory: abusive }, now);
    expect(d).toMatchObject({ outcome: 'DENIED', refundFen: 0n });
    expect(d.reasons[0]?.code).toBe('FAST_REFUND.BUYER_ABUSE');
  });

  it('denies a low-trust buyer, using the policy default when the score is unknown', () => {
    expect(codes({ buyerTrustScore: 39 })).toContain('FAST_REFUND.LOW_TRUST');
    const unknown = decideFastRefund({ ...base, buyerTrustScore: undefined, amountFen: 20_000n }, now);
    expect(unknown.outcome).toBe('GRANTED_ON_PICKUP');
    expect(unknown.reasons.find((r) => r.code === 'FAST_REFUND.TRUST_TIER')?.evidence).toMatchObject({ trust_score: '60', trust_score_defaulted: 'true' });
  });

  it('caps the amount by trust tier: 200 yuan standard, 1000 trusted, 3000 excellent', () => {
    expect(decideFastRefund({ ...base, buyerTrustScore: 50, amountFen: 20_000n }, now).outcome).toBe('GRANTED_ON_PICKUP');
    expect(codes({ buyerTrustScore: 50, amountFen: 20_001n })).toContain('FAST_REFUND.AMOUNT_OVER_CAP');
    expect(decideFastRefund({ ...base, buyerTrustScore: 70, amountFen: 100_000n }, now).outcome).toBe('GRANTED_ON_PICKUP');
    expect(decideFastRefund({ ...base, buyerTrustScore: 95, amountFen: 300_000n }, now).outcome).toBe('GRANTED_ON_PICKUP');
    expect(decideFastRefund({ ...base, buyerTrustScore: 95, amountFen: 300_001n }, now).outcome).toBe('DENIED');
  });

  it('doubles the cap for buyers of a sanctioned or poorly rated merchant', () => {
    const over = { buyerTrustScore: 50, amountFen: 30_000n };
    expect(decideFastRefund({ ...base, ...over }, now).outcome).toBe('DENIED');
    expect(decideFastRefund({ ...base, ...over, merchant: { status: 'RESTRICTED' } }, now).outcome).toBe('GRANTED_ON_PICKUP');
    const lowScore = decideFastRefund({ ...base, ...over, merchant: { status: 'ACTIVE', storeScore: 3.2 } }, now);
    expect(lowScore.outcome).toBe('GRANTED_ON_PICKUP');
    expect(lowScore.reasons.map((r) => r.code)).toContain('FAST_REFUND.MERCHANT_AT_RISK');
  });

  it('denies when the merchant was removed: the fund protects the buyer instead', () => {
    expect(codes({ merchant: { status: 'REMOVED' } })).toContain('FAST_REFUND.MERCHANT_REMOVED');
    expect(decideFastRefund({ ...base, merchant: { status: 'REMOVED' } }, now).outcome).toBe('DENIED');
  });

  describe('refund only after dispatch', () => {
    const refundOnly: Partial<FastRefundInput> = { type: 'REFUND_ONLY', reason: 'NOT_RECEIVED', amountFen: 4_000n };

    it('grants at once while the carrier has not picked the parcel up', () => {
      const d = decideFastRefund({ ...base, ...refundOnly, forwardPickedUp: false, reason: 'OTHER', amountFen: 15_000n, buyerTrustScore: 50 }, now);
      expect(d.outcome).toBe('GRANTED');
      expect(d.reasons.map((r) => r.code)).toContain('FAST_REFUND.NOT_PICKED_UP');
    });

    it('grants a small, trusted refund without return for a reason that makes return pointless', () => {
      expect(decideFastRefund({ ...base, ...refundOnly }, now).outcome).toBe('GRANTED');
    });

    it('denies it for the wrong reason, too little trust or too much money, saying which', () => {
      expect(codes({ ...refundOnly, reason: 'QUALITY_DEFECT' })).toContain('FAST_REFUND.REFUND_ONLY_REASON');
      expect(codes({ ...refundOnly, buyerTrustScore: 60 })).toContain('FAST_REFUND.REFUND_ONLY_LOW_TRUST');
      expect(codes({ ...refundOnly, amountFen: 5_001n })).toContain('FAST_REFUND.REFUND_ONLY_OVER_CAP');
      expect(decideFastRefund({ ...base, ...refundOnly, amountFen: 5_001n }, now).outcome).toBe('DENIED');
    });
  });
});
