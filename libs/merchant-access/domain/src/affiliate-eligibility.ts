import { reason, type PolicyRef, type Reason } from '@govern/policy-core';
import type { MerchantStatus } from './merchant-status';
import { AFFILIATE_POLICY, type AffiliatePolicy } from './policies/store-experience.policy';

export interface AffiliateInputs {
  /** Published store experience score (1.0-5.0). */
  storeExperienceScore: number;
  /** Status now: anything but ACTIVE is an active sanction. */
  status: MerchantStatus;
}

export interface AffiliateEligibility {
  eligible: boolean;
  reasons: Reason[];
  policy: PolicyRef;
}

/** Affiliate programme ("selected alliance"): store experience score >= 4.0 and no active sanction. */
export const evaluateAffiliateEligibility = (inputs: AffiliateInputs, policy: AffiliatePolicy = AFFILIATE_POLICY): AffiliateEligibility => {
  const reasons: Reason[] = [];
  const min = policy.minStoreExperienceScore;
  if (inputs.storeExperienceScore < min) {
    reasons.push(
      reason('MERCHANT.AFFILIATE.SCORE_TOO_LOW', `store experience score ${inputs.storeExperienceScore.toFixed(2)} is below ${min.toFixed(1)}`, {
        score: String(inputs.storeExperienceScore),
        minimum: String(min),
      }),
    );
  }
  if (policy.excludeWhenSanctioned && inputs.status !== 'ACTIVE') {
    reasons.push(reason('MERCHANT.AFFILIATE.SANCTIONED', `the merchant is ${inputs.status}`, { status: inputs.status }));
  }
  const eligible = reasons.length === 0;
  if (eligible) {
    reasons.push(
      reason('MERCHANT.AFFILIATE.ELIGIBLE', `score ${inputs.storeExperienceScore.toFixed(2)} >= ${min.toFixed(1)} and no active sanction`, {
        score: String(inputs.storeExperienceScore),
      }),
    );
  }
  return { eligible, reasons, policy: { name: policy.name, version: policy.version } };
};

export interface AffiliateMember extends AffiliateInputs {
  merchantId: string;
  /** Whether the merchant is in the programme now. */
  inProgramme: boolean;
}

export interface AffiliateChange {
  merchantId: string;
  eligible: boolean;
  reasons: Reason[];
}

export interface AffiliateSweep {
  evaluated: number;
  /** In the programme but no longer eligible: clear, one event each. */
  clear: AffiliateChange[];
  /** Out of the programme and eligible again: re-admit, one event each. Removed merchants never come back. */
  readmit: AffiliateChange[];
  policy: PolicyRef;
}

/** The periodic sweep: who to clear from the programme and who to re-admit. Unchanged merchants produce nothing. */
export const sweepAffiliates = (members: Iterable<AffiliateMember>, policy: AffiliatePolicy = AFFILIATE_POLICY): AffiliateSweep => {
  const clear: AffiliateChange[] = [];
  const readmit: AffiliateChange[] = [];
  let evaluated = 0;
  for (const member of members) {
    evaluated++;
    const { eligible, reasons } = evaluateAffiliateEligibility(member, policy);
    if (member.inProgramme && !eligible) clear.push({ merchantId: member.merchantId, eligible, reasons });
    else if (!member.inProgramme && eligible && member.status !== 'REMOVED') readmit.push({ merchantId: member.merchantId, eligible, reasons });
  }
  return { evaluated, clear, readmit, policy: { name: policy.name, version: policy.version } };
};
