import { reason } from '@govern/policy-core';
import { maxBig, policyRef, yuan, type AfterSaleReason, type Explained } from './model';
import { RETURN_FEE_POLICY, type ReturnFeePolicy } from './return-fee.policy';

export interface ReturnFeeOwed extends Explained {
  /** What the merchant owes the buyer for the return's freight, in fen (0: nothing). */
  owedFen: bigint;
}

/**
 * What the merchant owes for a return's freight once it shipped: on a return for its fault, the
 * fee the buyer declared less what the insurance paid (its cap may leave part of a heavy parcel's
 * freight unpaid); nothing on any other return.
 */
export const returnFeeOwed = (
  claim: { reason: AfterSaleReason; declaredFeeFen: bigint; insuredFen: bigint },
  policy: ReturnFeePolicy = RETURN_FEE_POLICY,
): ReturnFeeOwed => {
  const evidence = { reason: claim.reason, declared_fee_fen: claim.declaredFeeFen.toString(), insured_fen: claim.insuredFen.toString() };
  if (!policy.merchantBearsReasons.includes(claim.reason)) {
    return { owedFen: 0n, reasons: [reason('RETURN_FEE.BUYER_BEARS', 'Not a return for the merchant’s fault: its freight is the buyer’s', evidence)], policy: policyRef(policy) };
  }
  const owedFen = maxBig(claim.declaredFeeFen - claim.insuredFen, 0n);
  return {
    owedFen,
    reasons: [
      owedFen > 0n
        ? reason('RETURN_FEE.MERCHANT_OWES', `A return for the merchant’s fault: the ${yuan(owedFen)} yuan of freight insurance did not cover is the merchant’s to pay`, {
            ...evidence,
            owed_fen: owedFen.toString(),
          })
        : reason('RETURN_FEE.COVERED', 'A return for the merchant’s fault whose freight the insurance paid in full', evidence),
    ],
    policy: policyRef(policy),
  };
};
