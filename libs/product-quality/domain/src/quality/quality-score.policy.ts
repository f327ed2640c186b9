import type { Rung, VersionedPolicy } from '@govern/policy-core';

export type QualityTier = 'EXCELLENT' | 'GOOD' | 'FAIR' | 'POOR';

export interface QualityScorePolicy extends VersionedPolicy {
  /** Weights of the prior (what is known before buyers have spoken); they sum to 1. */
  readonly priorWeights: { readonly completeness: number; readonly merchant: number; readonly categorySafety: number };
  /** Weights of the observed outcome; they sum to 1. */
  readonly outcomeWeights: { readonly qualityReturns: number; readonly complaints: number; readonly reviews: number };
  /**
   * How many orders the prior is worth: the outcome's share is orders / (orders + this).
   * A new product is judged on its prior; a product with thousands of orders on its buyers.
   */
  readonly priorStrengthOrders: number;
  /** Rates at which the component reaches 0 (linear from 100 at a rate of 0). */
  readonly qualityReturnRateAtZero: number;
  readonly complaintRateAtZero: number;
  /** Pseudo-reviews added to each side so three reviews do not swing the score (Laplace). */
  readonly reviewSmoothing: number;
  /** Merchant store experience score (1.0-5.0) used when the merchant has none (neutral). */
  readonly neutralMerchantScore: number;
  /** Category pattern -> risk 0..1 (most specific wins); `*` is the default. */
  readonly categoryRisk: Readonly<Record<string, number>>;
  readonly completeness: {
    readonly titleMinChars: number;
    readonly descriptionMinChars: number;
    readonly minImages: number;
    /** Weights of each completeness item; they sum to 1. */
    readonly weights: {
      readonly title: number;
      readonly description: number;
      readonly images: number;
      readonly brand: number;
      readonly threeNo: number;
    };
  };
  readonly inspection: {
    /** Only lab results this recent count. */
    readonly lookbackMs: number;
    readonly passBonus: number;
    readonly maxPassBonus: number;
    readonly minorFailPenalty: number;
    readonly majorFailPenalty: number;
    /** A critical failure drives the score to this value (the product is banned anyway). */
    readonly criticalFailScore: number;
  };
  /** Score -> tier; the highest rung reached wins. */
  readonly tiers: readonly Rung<QualityTier>[];
  /** What each tier means for traffic (1 = neutral) and whether it shows the quality badge. */
  readonly tierEffects: Readonly<Record<QualityTier, { readonly trafficWeight: number; readonly badge: boolean }>>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const QUALITY_SCORE_POLICY: QualityScorePolicy = {
  name: 'product-quality-score',
  version: '2026-11-01.1',
  priorWeights: { completeness: 0.4, merchant: 0.4, categorySafety: 0.2 },
  outcomeWeights: { qualityReturns: 0.4, complaints: 0.3, reviews: 0.3 },
  priorStrengthOrders: 200,
  qualityReturnRateAtZero: 0.1,
  complaintRateAtZero: 0.05,
  reviewSmoothing: 5,
  neutralMerchantScore: 3.0,
  categoryRisk: {
    '*': 0.3,
    food: 0.6,
    'food.infant_formula': 0.9,
    cosmetics: 0.6,
    medical_devices: 0.8,
    baby: 0.7,
    toys: 0.6,
    electronics: 0.5,
    books: 0.1,
  },
  completeness: {
    titleMinChars: 10,
    descriptionMinChars: 50,
    minImages: 3,
    weights: { title: 0.15, description: 0.2, images: 0.2, brand: 0.1, threeNo: 0.35 },
  },
  inspection: {
    lookbackMs: 365 * DAY_MS,
    passBonus: 3,
    maxPassBonus: 6,
    minorFailPenalty: 10,
    majorFailPenalty: 30,
    criticalFailScore: 0,
  },
  tiers: [
    { atLeast: Number.NEGATIVE_INFINITY, outcome: 'POOR' },
    { atLeast: 40, outcome: 'FAIR' },
    { atLeast: 65, outcome: 'GOOD' },
    { atLeast: 85, outcome: 'EXCELLENT' },
  ],
  tierEffects: {
    EXCELLENT: { trafficWeight: 1.2, badge: true },
    GOOD: { trafficWeight: 1.0, badge: false },
    FAIR: { trafficWeight: 1.0, badge: false },
    POOR: { trafficWeight: 0.5, badge: false },
  },
};
