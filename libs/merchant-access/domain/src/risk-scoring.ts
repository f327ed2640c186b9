import { climbLadder, reason, type PolicyRef, type Reason } from '@govern/policy-core';
import type { ValidatedApplication } from './application-validation';
import { ONBOARDING_POLICY, type CategoryCode, type OnboardingPolicy, type QualificationCode } from './policies/onboarding.policy';
import type { RingCheckResult, RingLink } from './ring-graph';

export type RiskBand = 'APPROVE' | 'APPROVE_WITH_RESTRICTIONS' | 'MANUAL_REVIEW' | 'REJECT';

export interface MerchantTerms {
  /** 0 = no quota. */
  listingQuota: number;
  depositFen: bigint;
  approvedCategoryCodes: CategoryCode[];
}

/** Facts about the applicant that come from outside the application itself. */
export interface RiskContext {
  /** The ring check of the application's identifiers. */
  ring: RingCheckResult;
  /**
   * Most other applicants or merchants seen on any one of the application's devices. Defaults to
   * the ring graph's merchant count; the adapter may add applications that never became merchants.
   */
  maxOthersPerDevice?: number | undefined;
  /** Days the phone number has been in service, when a carrier check knows. */
  phoneAgeDays?: number | undefined;
  /** The address is a known virtual office / registration-agent address. */
  virtualOfficeAddress?: boolean | undefined;
}

export interface OnboardingDecision {
  riskScore: number;
  band: RiskBand;
  /** Terms when the band approves (also what a reviewer's approval would give); undefined for REJECT. */
  terms?: MerchantTerms | undefined;
  reasons: Reason[];
  policy: PolicyRef;
  ringLinks: RingLink[];
  /** Set when a link to a removed merchant forced the rejection. */
  criticalLink?: RingLink | undefined;
  decidedAt: Date;
}

/** Band for a score: <=39 approve, 40-69 restricted, 70-84 review, >=85 reject (by default). */
export const bandFor = (score: number, policy: OnboardingPolicy = ONBOARDING_POLICY): RiskBand =>
  (climbLadder(policy.bands, score)?.outcome ?? 'APPROVE') as RiskBand;

/** "applicant -[BANK_ACCOUNT 1a2b…]-> m_1 (ACTIVE) -[PHONE 9f8e…]-> m_2 (REMOVED)" */
export const describePath = (link: RingLink): string =>
  'applicant' +
  link.path.map((s) => ` -[${s.identifierKind} ${s.identifierFingerprint.slice(0, 8)}]-> ${s.merchantId} (${s.merchantStatus})`).join('');

/** Categories whose required qualifications are all held. */
export const approvableCategories = (
  categories: readonly CategoryCode[],
  held: readonly QualificationCode[],
  policy: OnboardingPolicy = ONBOARDING_POLICY,
): CategoryCode[] => categories.filter((c) => (policy.categories[c].requires as readonly QualificationCode[]).every((q) => held.includes(q)));

/** Terms of a band: the highest base deposit of the approved categories times the band multiplier. */
export const termsFor = (
  band: 'APPROVE' | 'APPROVE_WITH_RESTRICTIONS',
  approved: readonly CategoryCode[],
  policy: OnboardingPolicy = ONBOARDING_POLICY,
): MerchantTerms => {
  const t = band === 'APPROVE' ? policy.terms.approve : policy.terms.restricted;
  const base = approved.some((c) => policy.categories[c].highRisk) ? policy.terms.baseDepositFen.highRisk : policy.terms.baseDepositFen.standard;
  return { listingQuota: t.listingQuota, depositFen: base * t.depositMultiplier, approvedCategoryCodes: [...approved] };
};

/**
 * The ring signals of a link check, each with its weight and evidence: a removed merchant (the
 * path that links them), sanctioned merchants, and plain shared identifiers.
 */
export const ringReasons = (ring: RingCheckResult, policy: OnboardingPolicy = ONBOARDING_POLICY): Reason[] => {
  const s = policy.signals;
  const reasons: Reason[] = [];
  const removedLink = ring.links.find((l) => l.status === 'REMOVED');
  if (removedLink) {
    reasons.push(
      reason(s.ringRemoved.code, `linked to removed merchant ${removedLink.merchantId} in ${removedLink.hops} hop(s)`, {
        merchant_id: removedLink.merchantId,
        hops: String(removedLink.hops),
        path: describePath(removedLink),
        identifier_kinds: removedLink.path.map((p) => p.identifierKind).join(','),
      }, s.ringRemoved.weight),
    );
  }
  const sanctioned = ring.links.filter((l) => l.status === 'LISTING_RESTRICTED' || l.status === 'SUSPENDED');
  if (sanctioned.length > 0) {
    const nearest = sanctioned[0] as RingLink;
    reasons.push(
      reason(s.ringSanctioned.code, `linked to ${sanctioned.length} sanctioned merchant(s)`, {
        merchant_ids: sanctioned.map((l) => l.merchantId).join(','),
        path: describePath(nearest),
      }, s.ringSanctioned.weight),
    );
  }
  const plain = ring.links.filter((l) => l.status === 'ACTIVE');
  if (plain.length > 0) {
    reasons.push(
      reason(s.ringLinked.code, `shares identifiers with ${plain.length} other merchant(s)`, {
        merchant_ids: plain.map((l) => l.merchantId).join(','),
        identifier_kinds: [...new Set(plain.map((l) => l.path[0]?.identifierKind))].join(','),
      }, s.ringLinked.weight),
    );
  }
  return reasons;
};

/**
 * The onboarding decision: every signal that fires adds its weight (with its evidence) to the
 * risk score, capped at 100; the band follows from the score. A link to a removed merchant
 * forces 100 / REJECT with the path as evidence. Categories lacking a qualification are left
 * out of the approval; if none is left, the application is rejected.
 */
/**
 * What the onboarding rule reads of a validated application: the categories and qualifications,
 * the region and the bank account checks, never an identity number or a name (these reach the
 * rule only as keyed-hash ring links), so it can be recorded as the decision's input.
 */
export interface OnboardingApplicationFacts {
  categories: readonly CategoryCode[];
  qualificationsHeld: readonly QualificationCode[];
  qualificationsExpired: readonly QualificationCode[];
  address: { regionCode: string };
  bankAccount: { bankName: string; luhnValid: boolean; holderMatches: boolean };
}

export const onboardingApplicationFacts = (application: ValidatedApplication): OnboardingApplicationFacts => ({
  categories: [...application.categories],
  qualificationsHeld: [...application.qualificationsHeld],
  qualificationsExpired: [...application.qualificationsExpired],
  address: { regionCode: application.address.regionCode },
  bankAccount: { bankName: application.bankAccount.bankName, luhnValid: application.bankAccount.luhnValid, holderMatches: application.bankAccount.holderMatches },
});

export const decideOnboarding = (
  application: OnboardingApplicationFacts,
  context: RiskContext,
  at: Date,
  policy: OnboardingPolicy = ONBOARDING_POLICY,
): OnboardingDecision => {
  const s = policy.signals;
  const reasons: Reason[] = [];
  const ring = context.ring;

  const removedLink = ring.links.find((l) => l.status === 'REMOVED');
  reasons.push(...ringReasons(ring, policy));

  const approved = approvableCategories(application.categories, application.qualificationsHeld, policy);
  for (const category of application.categories) {
    if (approved.includes(category)) continue;
    const required = policy.categories[category].requires as readonly QualificationCode[];
    const missing = required.filter((q) => !application.qualificationsHeld.includes(q));
    const expired = missing.filter((q) => application.qualificationsExpired.includes(q));
    reasons.push(
      reason(s.missingQualification.code, `category ${category} requires ${missing.join(', ')}; it is not approved`, {
        category,
        missing: missing.join(','),
        ...(expired.length > 0 ? { expired: expired.join(',') } : {}),
      }, s.missingQualification.weight),
    );
  }

  const highRisk = application.categories.filter((c) => policy.categories[c].highRisk);
  if (highRisk.length > 0) {
    reasons.push(
      reason(s.highRiskCategory.code, `high-risk categories: ${highRisk.join(', ')}`, { categories: highRisk.join(',') },
        Math.min(s.highRiskCategory.cap, highRisk.length * s.highRiskCategory.weight)),
    );
  }

  const deviceMatches = ring.matches.filter((m) => m.identifierKind === 'DEVICE');
  const othersPerDevice = context.maxOthersPerDevice ?? Math.max(0, ...deviceMatches.map((m) => m.merchantCount));
  if (othersPerDevice >= s.sharedDevice.minOtherApplicants) {
    reasons.push(
      reason(s.sharedDevice.code, `a device is shared with ${othersPerDevice} other applicants or merchants`, {
        others: String(othersPerDevice),
        threshold: String(s.sharedDevice.minOtherApplicants),
      }, s.sharedDevice.weight),
    );
  }

  if (context.phoneAgeDays !== undefined && context.phoneAgeDays < s.newPhone.maxAgeDays) {
    reasons.push(reason(s.newPhone.code, `phone in service for ${context.phoneAgeDays} days`, { phone_age_days: String(context.phoneAgeDays) }, s.newPhone.weight));
  }
  if (context.virtualOfficeAddress) {
    reasons.push(reason(s.virtualOffice.code, 'the address is a virtual office', { region_code: application.address.regionCode }, s.virtualOffice.weight));
  }
  if (!application.bankAccount.luhnValid) {
    reasons.push(reason(s.bankLuhnFailure.code, 'the bank card number fails the Luhn check', { bank: application.bankAccount.bankName }, s.bankLuhnFailure.weight));
  }
  if (!application.bankAccount.holderMatches) {
    reasons.push(reason(s.bankHolderMismatch.code, 'the account holder is neither the company nor the legal representative', {}, s.bankHolderMismatch.weight));
  }
  if (application.categories.length > s.manyCategories.moreThan) {
    reasons.push(
      reason(s.manyCategories.code, `${application.categories.length} categories at once`, {
        count: String(application.categories.length),
        threshold: String(s.manyCategories.moreThan),
      }, s.manyCategories.weight),
    );
  }

  const sum = reasons.reduce((total, r) => total + r.weight, 0);
  const riskScore = removedLink ? policy.maxScore : Math.min(policy.maxScore, sum);
  let band: RiskBand = removedLink ? 'REJECT' : bandFor(riskScore, policy);
  reasons.push(reason(`MERCHANT.ONBOARDING.${band}`, `risk score ${riskScore}: ${band}`, { risk_score: String(riskScore), signal_sum: String(sum) }));
  if (band !== 'REJECT' && approved.length === 0) {
    band = 'REJECT';
    reasons.push(
      reason('MERCHANT.ONBOARDING.NO_APPROVABLE_CATEGORY', 'no category applied for can be approved with the qualifications submitted', {
        categories: application.categories.join(','),
      }),
    );
  }

  const terms =
    band === 'REJECT' ? undefined : termsFor(band === 'APPROVE' ? 'APPROVE' : 'APPROVE_WITH_RESTRICTIONS', approved, policy);
  return {
    riskScore,
    band,
    terms,
    reasons,
    policy: { name: policy.name, version: policy.version },
    ringLinks: ring.links,
    criticalLink: removedLink,
    decidedAt: at,
  };
};
