import { failedPrecondition, reason, Violations } from '@govern/policy-core';
import { checkAmount } from './input-validation';
import { maxBig, minBig, policyRef, yuan, type AfterSaleType, type Explained } from './model';
import { RETURN_INSURANCE_POLICY, type ReturnInsurancePolicy } from './return-insurance.policy';

/**
 * Return-shipping insurance settles automatically when the return ships: the buyer is paid the
 * fee they declared, raised to the standard first-weight rate and capped at the insured maximum.
 */
export interface InsuranceSettlement extends Explained {
  amountFen: bigint;
}

export const settleReturnInsurance = (
  claim: { type: AfterSaleType; shippingFeeFen: bigint; alreadySettled: boolean },
  policy: ReturnInsurancePolicy = RETURN_INSURANCE_POLICY,
): InsuranceSettlement => {
  const v = new Violations();
  checkAmount(v, 'shipping_fee_fen', claim.shippingFeeFen, { allowZero: true });
  v.throwIfAny('RETURN_INSURANCE.INVALID');
  if (!policy.insuredTypes.includes(claim.type)) {
    throw failedPrecondition('RETURN_INSURANCE.NOT_INSURED', 'Only returns and exchanges are insured', { type: claim.type });
  }
  if (claim.alreadySettled) {
    throw failedPrecondition('RETURN_INSURANCE.ALREADY_SETTLED', 'Return-shipping insurance already settled for this after-sale');
  }
  const amountFen = minBig(maxBig(claim.shippingFeeFen, policy.minFen), policy.maxFen);
  return {
    amountFen,
    reasons: [
      reason('RETURN_INSURANCE.SETTLED', `Return shipping insured: ${yuan(amountFen)} yuan paid to the buyer`, {
        declared_fee_fen: claim.shippingFeeFen.toString(),
        min_fen: policy.minFen.toString(),
        max_fen: policy.maxFen.toString(),
      }),
    ],
    policy: policyRef(policy),
  };
};
