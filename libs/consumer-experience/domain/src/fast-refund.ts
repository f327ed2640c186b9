import { climbLadder, reason, type Reason } from '@govern/policy-core';
import { FAST_REFUND_POLICY, type FastRefundPolicy } from './fast-refund.policy';
import { policyRef, yuan, type AfterSaleReason, type AfterSaleType, type Explained, type FastRefundOutcome, type MerchantStanding } from './model';

/**
 * Fast refund ("极速退款"): money back before the goods come back. Pre-dispatch requests are
 * refunded at once. Post-dispatch requests depend on the buyer's trust score (which sets an amount
 * cap), the merchant's standing, and the carrier's pickup scan; a buyer-abuse signal denies them.
 * Every decision lists every signal it weighed, with the policy version.
 */

/** A buyer's orders and refunds over the policy's abuse window. */
export interface BuyerRefundHistory {
  ordersInWindow: number;
  refundsInWindow: number;
}

export interface AbuseSignal {
  abusive: boolean;
  refundRate: number;
  reason: Reason;
}

/** Abuse: at least `minRefunds` refunds in the window and a refund rate above the maximum. */
export const buyerAbuseSignal = (history: BuyerRefundHistory, policy: FastRefundPolicy = FAST_REFUND_POLICY): AbuseSignal => {
  const refundRate = history.ordersInWindow > 0 ? history.refundsInWindow / history.ordersInWindow : 0;
  const abusive = history.refundsInWindow >= policy.abuse.minRefunds && refundRate > policy.abuse.maxRefundRate;
  const evidence = {
    orders_in_window: String(history.ordersInWindow),
    refunds_in_window: String(history.refundsInWindow),
    refund_rate: refundRate.toFixed(3),
    max_refund_rate: String(policy.abuse.maxRefundRate),
    min_refunds: String(policy.abuse.minRefunds),
  };
  return {
    abusive,
    refundRate,
    reason: abusive
      ? reason('FAST_REFUND.BUYER_ABUSE', 'The buyer asked for refunds unusually often in the last 30 days', evidence)
      : reason('FAST_REFUND.BUYER_HISTORY_OK', 'The buyer’s refund history shows no abuse', evidence),
  };
};

export interface FastRefundInput {
  type: AfterSaleType;
  reason: AfterSaleReason;
  /** Amount asked for, in fen. */
  amountFen: bigint;
  /** No shipment recorded when the buyer asked. */
  preDispatch: boolean;
  /** The carrier scanned the forward parcel at pickup (the goods left the merchant). */
  forwardPickedUp: boolean;
  /** The carrier scanned the return parcel at pickup. */
  returnPickedUp: boolean;
  /** 0-100 from the platform's account-risk system; the policy default when unknown. */
  buyerTrustScore?: number | undefined;
  buyerHistory: BuyerRefundHistory;
  merchant: MerchantStanding;
}

export interface FastRefundDecision extends Explained {
  outcome: FastRefundOutcome;
  preDispatch: boolean;
  /** Amount refunded now (GRANTED) or on pickup (GRANTED_ON_PICKUP); 0 otherwise. */
  refundFen: bigint;
  decidedAt: Date;
}

export const decideFastRefund = (input: FastRefundInput, now: Date, policy: FastRefundPolicy = FAST_REFUND_POLICY): FastRefundDecision => {
  const decided = (outcome: FastRefundOutcome, reasons: Reason[]): FastRefundDecision => ({
    outcome,
    preDispatch: input.preDispatch,
    refundFen: outcome === 'GRANTED' || outcome === 'GRANTED_ON_PICKUP' ? input.amountFen : 0n,
    reasons,
    policy: policyRef(policy),
    decidedAt: now,
  });

  if (input.type === 'EXCHANGE' || input.amountFen <= 0n) {
    return decided('NOT_APPLICABLE', [reason('FAST_REFUND.NOT_APPLICABLE', 'No money to refund (exchange)', { type: input.type })]);
  }

  const abuse = buyerAbuseSignal(input.buyerHistory, policy);

  // Before dispatch the platform still holds the payment, so even a removed merchant's buyer is refunded at once.
  if (input.preDispatch) {
    if (abuse.abusive && policy.abuse.guardsPreDispatch) return decided('DENIED', [abuse.reason]);
    if (input.type === 'REFUND_ONLY') {
      return decided('GRANTED', [
        reason('FAST_REFUND.PRE_DISPATCH', 'Not dispatched yet: refunded at once', { amount_fen: input.amountFen.toString() }),
        abuse.reason,
      ]);
    }
    return decided('NOT_APPLICABLE', [reason('FAST_REFUND.NOTHING_TO_RETURN', 'Not dispatched: only a refund can be asked for')]);
  }

  const reasons: Reason[] = [abuse.reason];
  let denied = abuse.abusive;

  if (input.merchant.status === 'REMOVED') {
    denied = true;
    reasons.push(
      reason('FAST_REFUND.MERCHANT_REMOVED', 'The merchant was removed and cannot pay; the consumer protection fund protects this after-sale'),
    );
  }

  const trust = Math.max(0, Math.min(100, input.buyerTrustScore ?? policy.defaultTrustScore));
  const tier = climbLadder(policy.trustTiers, trust);
  const trustEvidence = {
    trust_score: String(trust),
    trust_score_defaulted: String(input.buyerTrustScore === undefined),
  };
  if (!tier) {
    denied = true;
    reasons.push(
      reason('FAST_REFUND.LOW_TRUST', 'The buyer’s trust score is too low for a refund before the goods return', {
        ...trustEvidence,
        min_trust_score: String(policy.trustTiers[0]?.atLeast ?? 0),
      }),
    );
  } else {
    reasons.push(reason('FAST_REFUND.TRUST_TIER', `Buyer trust tier ${tier.outcome.tier}`, { ...trustEvidence, tier: tier.outcome.tier }));
  }

  const atRisk =
    input.merchant.status === 'RESTRICTED' ||
    input.merchant.status === 'SUSPENDED' ||
    (input.merchant.storeScore !== undefined && input.merchant.storeScore < policy.merchantAtRisk.storeScoreBelow);
  const multiplier = atRisk ? policy.merchantAtRisk.capMultiplier : 1n;
  if (atRisk) {
    reasons.push(
      reason('FAST_REFUND.MERCHANT_AT_RISK', 'The merchant is sanctioned or poorly rated: its buyers get a higher fast-refund cap', {
        merchant_status: input.merchant.status,
        store_score: input.merchant.storeScore === undefined ? '' : String(input.merchant.storeScore),
        cap_multiplier: multiplier.toString(),
      }),
    );
  }

  if (tier) {
    const cap = tier.outcome.capFen * multiplier;
    if (input.amountFen > cap) {
      denied = true;
      reasons.push(
        reason('FAST_REFUND.AMOUNT_OVER_CAP', `Above the ${yuan(cap)} yuan fast-refund cap for this buyer`, {
          amount_fen: input.amountFen.toString(),
          cap_fen: cap.toString(),
        }),
      );
    }
  }

  if (input.type === 'REFUND_ONLY') {
    if (!input.forwardPickedUp) {
      reasons.push(reason('FAST_REFUND.NOT_PICKED_UP', 'The carrier has not picked the parcel up: the merchant can still stop it'));
    } else {
      const rule = policy.refundOnlyInTransit;
      const cap = rule.capFen * multiplier;
      const failures: Reason[] = [];
      if (trust < rule.minTrustScore) {
        failures.push(reason('FAST_REFUND.REFUND_ONLY_LOW_TRUST', 'Keeping the goods and being refunded needs a higher trust score', {
          ...trustEvidence,
          min_trust_score: String(rule.minTrustScore),
        }));
      }
      if (!rule.reasons.includes(input.reason)) {
        failures.push(reason('FAST_REFUND.REFUND_ONLY_REASON', 'This reason needs the goods back before a refund', { reason: input.reason }));
      }
      if (input.amountFen > cap) {
        failures.push(reason('FAST_REFUND.REFUND_ONLY_OVER_CAP', `Refund without return is capped at ${yuan(cap)} yuan`, {
          amount_fen: input.amountFen.toString(),
          cap_fen: cap.toString(),
        }));
      }
      if (failures.length > 0) denied = true;
      else reasons.push(reason('FAST_REFUND.REFUND_ONLY_IN_TRANSIT', 'Small, trusted refund without return'));
      reasons.push(...failures);
    }
    return decided(denied ? 'DENIED' : 'GRANTED', reasons);
  }

  // Return and refund: the carrier's pickup scan of the return is the proof the goods are coming back.
  if (denied) return decided('DENIED', reasons);
  if (input.returnPickedUp) {
    return decided('GRANTED', [...reasons, reason('FAST_REFUND.RETURN_PICKED_UP', 'The carrier picked up the return: refunded before it arrives')]);
  }
  return decided('GRANTED_ON_PICKUP', [
    ...reasons,
    reason('FAST_REFUND.AWAITING_PICKUP', 'Refunded as soon as the carrier picks up the return'),
  ]);
};
