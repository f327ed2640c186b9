import { decisionKindOfPolicies } from '@govern/platform-decisions';
import { decideOnboarding, ONBOARDING_POLICIES, type OnboardingApplicationFacts, type OnboardingDecision, type RingCheckResult } from '@govern/merchant-access-domain';

/**
 * The onboarding decision's input as evaluated: the normalised application as the rule reads it
 * (categories, qualifications held and expired at the decision time, region, bank account
 * checks; no identity number), the ring links found (keyed-hash fingerprints, removed and
 * sanctioned merchants among them), the devices' other applicants, and the time.
 */
export interface OnboardingFacts {
  applicationId: string;
  application: OnboardingApplicationFacts;
  ring: RingCheckResult;
  maxOthersPerDevice: number;
  at: Date;
}

export const onboardingDecisions = decisionKindOfPolicies({
  kind: 'onboarding',
  policies: ONBOARDING_POLICIES,
  decide: (policy, facts: OnboardingFacts): OnboardingDecision =>
    decideOnboarding(facts.application, { ring: facts.ring, maxOthersPerDevice: facts.maxOthersPerDevice }, facts.at, policy),
  summarize: (decision: OnboardingDecision) => ({ outcome: decision.band, reasons: decision.reasons }),
  subjectOf: (facts) => [{ type: 'application', id: facts.applicationId }],
});
