import { definePolicyVersions, type VersionedPolicy } from '@govern/policy-core';
import type { ListingAction, MerchantStanding } from './listing';

export interface ListingGatePolicy extends VersionedPolicy {
  /**
   * The claims lexicon version the gate scans with: the lexicon is part of the policy, so a
   * lexicon change ships as a new gate version and old decisions replay with the old terms.
   */
  readonly claimsLexiconVersion: string;
  readonly threeNo: {
    /** Values merchants type instead of the real thing ("无", "见包装"); compared after normalisation. */
    readonly placeholders: readonly string[];
    /** A certificate or standard code shorter than this (after normalisation) counts as missing. */
    readonly certificateMinChars: number;
    /** Production dates later than now + this tolerance count as missing (clock skew, time zones). */
    readonly productionDateFutureToleranceMs: number;
  };
  readonly claims: {
    /** Hits of these severities (case-insensitive) are zero-tolerance; every unwaived hit rejects. */
    readonly zeroToleranceSeverities: readonly string[];
    /**
     * Registrations under which a lexicon term is lawful (the lexicon's `waivedBy`, e.g. a
     * drug may say 治疗): the listing's category must be one of `categories` and the merchant
     * must hold `qualification`.
     */
    readonly waivers: Readonly<Record<string, { readonly categories: readonly string[]; readonly qualification: string }>>;
  };
  /** Category pattern -> qualification kinds the merchant must hold (most specific pattern wins). */
  readonly requiredQualifications: Readonly<Record<string, readonly string[]>>;
  readonly brand: {
    /** A brand name or alias is looked for in the title only when at least this long (normalised). */
    readonly titleMatchMinChars: number;
  };
  readonly merchant: {
    /** Standings allowed to publish new listings and to edit existing ones. */
    readonly allowedStandings: Readonly<Record<ListingAction, readonly MerchantStanding[]>>;
  };
  readonly reUpload: {
    /** Image hashes (hex) within this many differing bits are the same image; 0 = exact. */
    readonly maxImageHashDistance: number;
    /** Titles at least this similar (Jaccard of shingles) to a banned product's are a re-upload. */
    readonly titleSimilarity: number;
  };
  /** Reason codes that are zero-tolerance violations (merchant-access adds points for them). */
  readonly zeroToleranceCodes: readonly string[];
  readonly limits: {
    readonly titleMaxChars: number;
    readonly descriptionMaxChars: number;
    readonly maxImages: number;
    readonly maxDeclaredQualifications: number;
    /** Ids (listing, product, SKU, merchant, category) longer than this are refused. */
    readonly idMaxChars: number;
    /** Short text fields (brand, manufacturer, batch, certificate, one image hash, one qualification). */
    readonly shortFieldMaxChars: number;
    /** A price above this is a typo or an attack, not a listing (¥10M). */
    readonly maxPriceFen: bigint;
  };
}

export const LISTING_GATE_POLICY: ListingGatePolicy = {
  name: 'listing-gate',
  version: '2026-11-01.1',
  claimsLexiconVersion: '2026-11-01.1',
  threeNo: {
    placeholders: ['无', '没有', '暂无', '不详', '未知', '见包装', '详见包装', '见瓶身', 'none', 'n/a', 'na', 'null', 'unknown', 'tbd', '0'],
    certificateMinChars: 3,
    productionDateFutureToleranceMs: 24 * 60 * 60 * 1000,
  },
  claims: {
    zeroToleranceSeverities: ['HIGH', 'CRITICAL'],
    waivers: {
      DRUG: { categories: ['pharmacy'], qualification: 'DRUG_BUSINESS_LICENCE' },
      MEDICAL_DEVICE: { categories: ['medical_devices'], qualification: 'MEDICAL_DEVICE_LICENCE' },
      SPECIAL_COSMETIC: { categories: ['cosmetics.special'], qualification: 'SPECIAL_COSMETICS_LICENCE' },
      HEALTH_FOOD: { categories: ['food.health'], qualification: 'HEALTH_FOOD_REGISTRATION' },
    },
  },
  requiredQualifications: {
    food: ['FOOD_BUSINESS_LICENCE'],
    'food.health': ['FOOD_BUSINESS_LICENCE', 'HEALTH_FOOD_REGISTRATION'],
    'food.infant_formula': ['FOOD_BUSINESS_LICENCE', 'INFANT_FORMULA_REGISTRATION'],
    cosmetics: ['COSMETICS_FILING'],
    'cosmetics.special': ['COSMETICS_FILING', 'SPECIAL_COSMETICS_LICENCE'],
    medical_devices: ['MEDICAL_DEVICE_LICENCE'],
    alcohol: ['FOOD_BUSINESS_LICENCE', 'ALCOHOL_DISTRIBUTION_FILING'],
    books: ['PUBLICATION_BUSINESS_LICENCE'],
    pharmacy: ['DRUG_BUSINESS_LICENCE'],
  },
  brand: { titleMatchMinChars: 2 },
  merchant: {
    allowedStandings: {
      PUBLISH: ['ACTIVE'],
      // A listing restriction blocks new listings; fixing existing ones stays possible.
      EDIT: ['ACTIVE', 'LISTING_RESTRICTED'],
    },
  },
  reUpload: { maxImageHashDistance: 0, titleSimilarity: 0.85 },
  zeroToleranceCodes: ['LISTING.THREE_NO', 'LISTING.PRODUCT_BANNED', 'LISTING.BANNED_RE_UPLOAD'],
  limits: {
    titleMaxChars: 200,
    descriptionMaxChars: 10_000,
    maxImages: 50,
    maxDeclaredQualifications: 20,
    idMaxChars: 128,
    shortFieldMaxChars: 200,
    maxPriceFen: 1_000_000_000n,
  },
};

/**
 * Candidate, not active: a certificate or standard code needs at least six characters (a real
 * standard number such as "GB 4806.7" or "Q/ABC 0001S" is longer; three-character codes seen in
 * rejected appeals were fillers like "123"). Run in shadow or backtested before it ships.
 */
export const LISTING_GATE_POLICY_2026_12: ListingGatePolicy = {
  ...LISTING_GATE_POLICY,
  version: '2026-12-01.1',
  threeNo: { ...LISTING_GATE_POLICY.threeNo, certificateMinChars: 6 },
};

/** Every shipped version of the gate (decisions replay with the version they were taken under). */
export const LISTING_GATE_POLICIES = definePolicyVersions<ListingGatePolicy>(
  { [LISTING_GATE_POLICY.version]: LISTING_GATE_POLICY, [LISTING_GATE_POLICY_2026_12.version]: LISTING_GATE_POLICY_2026_12 },
  LISTING_GATE_POLICY.version,
);
