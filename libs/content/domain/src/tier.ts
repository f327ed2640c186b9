import { climbLadder, reason, type Reason } from '@govern/policy-core';
import { lowerTier, maxSeverity, type Severity, type Tier, type Violation } from './content-types';
import { CONTENT_POLICY, type ContentPolicy } from './content.policy';

export interface TierInput {
  /** Overall quality 0..100. */
  overall: number;
  /** Engagement was measured on enough views (PREMIUM may need it). */
  engagementMeasured: boolean;
  violations: readonly Violation[];
  /** The creator's credit is at or below the warning rung. */
  creatorTrafficLimited: boolean;
  /** Linked merchants that lost affiliate eligibility: their goods are not boosted. */
  affiliateIneligibleMerchantIds: readonly string[];
}

export interface TierDecision {
  tier: Tier;
  trafficWeight: number;
  /** The score rung reached, then every cap that lowered it. */
  reasons: Reason[];
}

/**
 * Tier from the overall score on the policy ladder, then lowered by caps: the most severe
 * violation, a traffic-limited creator, an ineligible merchant, unproven engagement.
 * Caps only ever lower a tier.
 */
export const decideTier = (input: TierInput, policy: ContentPolicy = CONTENT_POLICY): TierDecision => {
  const rules = policy.tiers;
  const byScore = climbLadder(rules.ladder, input.overall)?.outcome ?? 'BLOCKED';
  const reasons: Reason[] = [reason('CONTENT.TIER.SCORE', `Quality ${input.overall} reaches ${byScore}`, { overall: String(input.overall), tier: byScore })];
  let tier = byScore;
  const cap = (to: Tier, code: string, message: string, evidence: Record<string, string>): void => {
    const capped = lowerTier(tier, to);
    if (capped !== tier) {
      reasons.push(reason(code, message, { ...evidence, from: tier, to: capped }));
      tier = capped;
    }
  };

  let worst: Severity | undefined;
  for (const v of input.violations) worst = maxSeverity(worst, v.severity);
  if (worst !== undefined) {
    const codes = [...new Set(input.violations.filter((v) => v.severity === worst).map((v) => v.reason.code))].join(',');
    cap(rules.violationCap[worst], 'CONTENT.TIER.CAPPED_BY_VIOLATION', `A ${worst} violation caps the tier at ${rules.violationCap[worst]}`, { severity: worst, codes });
  }
  if (input.creatorTrafficLimited) {
    cap(rules.creatorTrafficLimitedCap, 'CONTENT.TIER.CREATOR_TRAFFIC_LIMITED', 'The creator’s credit is at the traffic-limit rung', {});
  }
  if (input.affiliateIneligibleMerchantIds.length > 0) {
    cap(rules.affiliateIneligibleCap, 'CONTENT.TIER.MERCHANT_NOT_AFFILIATE_ELIGIBLE', 'A linked merchant lost affiliate eligibility: no boost', {
      merchant_ids: input.affiliateIneligibleMerchantIds.join(','),
    });
  }
  if (rules.premiumNeedsMeasuredEngagement && !input.engagementMeasured) {
    cap('STANDARD', 'CONTENT.TIER.PREMIUM_NEEDS_EVIDENCE', 'Boost waits until engagement is measured', {});
  }
  return { tier, trafficWeight: rules.trafficWeight[tier], reasons };
};
