import { definePolicyVersions } from '@govern/policy-core';
import type { Widen } from './widen';

/**
 * Onboarding policy: what an application must contain, which qualifications each category
 * requires, how risk signals weigh, the bands, and the terms each band gets.
 * Every onboarding decision records `{ name, version }` so it can be replayed.
 */
export const ONBOARDING_POLICY = {
  name: 'merchant-onboarding',
  version: '2026-11-01.1',

  limits: {
    companyNameMaxLength: 200,
    personNameMaxLength: 64,
    bankNameMaxLength: 100,
    addressLineMaxLength: 300,
    /** Province, city and district names. */
    placeNameMaxLength: 64,
    issuerMaxLength: 200,
    maxDevices: 20,
    deviceIdMaxLength: 128,
    maxCategories: 20,
    maxQualifications: 50,
    qualificationNumberMaxLength: 64,
    maxCheckedIdentifiers: 50,
    identifierValueMaxLength: 256,
    /** ¥10 billion: above any real registered capital, so a larger figure is a typo or a unit error. */
    maxRegisteredCapitalFen: 1_000_000_000_000n,
  },

  /**
   * Category code -> qualifications a merchant must hold to be approved for it, and whether
   * the category is high-risk (regulated goods that hurt buyers when counterfeit or unsafe).
   */
  categories: {
    general: { requires: [], highRisk: false },
    apparel: { requires: [], highRisk: false },
    electronics: { requires: [], highRisk: false },
    home: { requires: [], highRisk: false },
    books: { requires: ['PUBLICATION_BUSINESS_LICENCE'], highRisk: false },
    food: { requires: ['FOOD_BUSINESS_LICENCE'], highRisk: true },
    health_food: { requires: ['FOOD_BUSINESS_LICENCE'], highRisk: true },
    infant_formula: { requires: ['FOOD_BUSINESS_LICENCE', 'INFANT_FORMULA_REGISTRATION'], highRisk: true },
    alcohol: { requires: ['FOOD_BUSINESS_LICENCE', 'ALCOHOL_DISTRIBUTION_FILING'], highRisk: true },
    cosmetics: { requires: ['COSMETICS_FILING'], highRisk: true },
    medical_device: { requires: ['MEDICAL_DEVICE_LICENCE'], highRisk: true },
    pharmacy: { requires: ['DRUG_BUSINESS_LICENCE', 'INTERNET_DRUG_INFORMATION_CERTIFICATE'], highRisk: true },
  },

  /** Every qualification code the category table may require (unknown codes are invalid input). */
  qualifications: [
    'FOOD_BUSINESS_LICENCE',
    'INFANT_FORMULA_REGISTRATION',
    'ALCOHOL_DISTRIBUTION_FILING',
    'COSMETICS_FILING',
    'MEDICAL_DEVICE_LICENCE',
    'DRUG_BUSINESS_LICENCE',
    'INTERNET_DRUG_INFORMATION_CERTIFICATE',
    'PUBLICATION_BUSINESS_LICENCE',
  ],

  /** Explainable risk signals: each adds its weight to the score (sum capped at maxScore). */
  signals: {
    /** Critical: linked to a removed merchant. Forces the score to maxScore and the band to REJECT. */
    ringRemoved: { code: 'MERCHANT.RISK.RING_REMOVED', weight: 100 },
    /** Linked to a merchant under an active sanction. */
    ringSanctioned: { code: 'MERCHANT.RISK.RING_SANCTIONED', weight: 30 },
    /** Shares an identifier with another merchant (not sanctioned): a weak signal on its own. */
    ringLinked: { code: 'MERCHANT.RISK.RING_LINKED', weight: 10 },
    /** Per category applied for without the qualification it requires (that category is not approved). */
    missingQualification: { code: 'MERCHANT.RISK.MISSING_QUALIFICATION', weight: 20 },
    /** Per high-risk category applied for, up to `cap`. */
    highRiskCategory: { code: 'MERCHANT.RISK.HIGH_RISK_CATEGORY', weight: 10, cap: 20 },
    /** A device also used by at least `minOtherApplicants` other applicants or merchants. */
    sharedDevice: { code: 'MERCHANT.RISK.SHARED_DEVICE', weight: 25, minOtherApplicants: 3 },
    /** Phone number in service for fewer than `maxAgeDays` days (when the carrier check knows). */
    newPhone: { code: 'MERCHANT.RISK.NEW_PHONE', weight: 10, maxAgeDays: 30 },
    /** Business address is a known virtual office / registration-agent address. */
    virtualOffice: { code: 'MERCHANT.RISK.VIRTUAL_OFFICE', weight: 15 },
    /** Bank card number fails the Luhn check: many Chinese accounts legitimately do, so a signal, not an error. */
    bankLuhnFailure: { code: 'MERCHANT.RISK.BANK_ACCOUNT_LUHN', weight: 10 },
    /** Account holder is neither the company nor the legal representative. */
    bankHolderMismatch: { code: 'MERCHANT.RISK.BANK_HOLDER_MISMATCH', weight: 20 },
    /** More categories at once than a new store plausibly needs. */
    manyCategories: { code: 'MERCHANT.RISK.MANY_CATEGORIES', weight: 10, moreThan: 5 },
  },

  maxScore: 100,

  /** Bands by score (the highest rung reached applies): <=39, 40-69, 70-84, >=85. */
  bands: [
    { atLeast: 0, outcome: 'APPROVE' },
    { atLeast: 40, outcome: 'APPROVE_WITH_RESTRICTIONS' },
    { atLeast: 70, outcome: 'MANUAL_REVIEW' },
    { atLeast: 85, outcome: 'REJECT' },
  ],

  /** Terms by band. Deposit = the highest base deposit of the approved categories × multiplier. */
  terms: {
    baseDepositFen: { standard: 200_000n, highRisk: 1_000_000n },
    approve: { listingQuota: 0, depositMultiplier: 1n },
    restricted: { listingQuota: 50, depositMultiplier: 2n },
  },
} as const;

export type OnboardingPolicy = Widen<typeof ONBOARDING_POLICY>;

/**
 * Candidate, not active: applications scoring 60-69 go to a reviewer instead of a restricted
 * approval (restricted stores of that score produced most first-month sanctions). Run in shadow
 * or backtested before it ships.
 */
export const ONBOARDING_POLICY_2026_12: OnboardingPolicy = {
  ...ONBOARDING_POLICY,
  version: '2026-12-01.1',
  bands: [
    { atLeast: 0, outcome: 'APPROVE' },
    { atLeast: 40, outcome: 'APPROVE_WITH_RESTRICTIONS' },
    { atLeast: 60, outcome: 'MANUAL_REVIEW' },
    { atLeast: 85, outcome: 'REJECT' },
  ],
};

/** Every shipped version of the onboarding policy (decisions replay with the version they were taken under). */
export const ONBOARDING_POLICIES = definePolicyVersions<OnboardingPolicy>(
  { [ONBOARDING_POLICY.version]: ONBOARDING_POLICY, [ONBOARDING_POLICY_2026_12.version]: ONBOARDING_POLICY_2026_12 },
  ONBOARDING_POLICY.version,
);

export type CategoryCode = keyof (typeof ONBOARDING_POLICY)['categories'];
export type QualificationCode = (typeof ONBOARDING_POLICY)['qualifications'][number];

/**
 * Ring graph policy: how far the link check walks and which identifiers are too common to
 * prove a link (a shared office-tower address is not evidence of a ring).
 */
export const RING_POLICY = {
  name: 'merchant-ring',
  version: '2026-11-01.1',
  /** Identifiers shared by more merchants than this are hubs: reported when hit directly, never walked through. */
  hubDegree: 200,
  /** Longest path walked, counted in identifier hops. */
  maxHops: 4,
  /** Nodes visited per check at most: bounds latency whatever the graph looks like. */
  maxVisited: 20_000,
  /** Links returned per check at most (removed first, then sanctioned, then the nearest). */
  maxLinks: 20,
} as const;

export type RingPolicy = Widen<typeof RING_POLICY>;
