import { type PolicyRef, type Reason, climbLadder, reason } from '@govern/policy-core';
import type { LabDefectClass } from '../inspection/lab-result';
import { lookupByCategory } from '../shared/category';
import { compactText } from '../shared/text';
import { QUALITY_SCORE_POLICY, type QualityScorePolicy, type QualityTier } from './quality-score.policy';

/** The listing fields that make a listing complete. */
export interface CompletenessInput {
  title: string;
  description: string;
  brand: string;
  imageHashes: readonly string[];
  manufacturer: string;
  productionDate?: Date | undefined;
  batchNumber: string;
  certificateCode: string;
}

/** What buyers did with the product (from consumer-experience ProductServiceStatsReported). */
export interface ProductServiceStats {
  orders: number;
  qualityReturns: number;
  complaints: number;
  positiveReviews: number;
  negativeReviews: number;
}

export interface InspectionRecord {
  verdict: 'PASS' | 'FAIL';
  /** Most serious defect class found; undefined on a clean pass. */
  severity?: LabDefectClass | undefined;
  testedAt: Date;
}

export interface QualityScoreInputs {
  listing: CompletenessInput;
  categoryCode: string;
  /** Merchant store experience score 1.0-5.0; undefined or neutral when the merchant has too few orders. */
  merchantScore?: number | undefined;
  stats?: ProductServiceStats | undefined;
  inspections: readonly InspectionRecord[];
  now: Date;
}

export type QualityComponentName =
  | 'LISTING_COMPLETENESS'
  | 'MERCHANT_SCORE'
  | 'CATEGORY_RISK'
  | 'QUALITY_RETURNS'
  | 'COMPLAINTS'
  | 'REVIEWS'
  | 'INSPECTIONS';

export interface QualityComponent {
  name: QualityComponentName;
  /** Normalised 0-100, higher is better (for INSPECTIONS: the adjustment itself). */
  value: number;
  /** Effective weight in this computation (policy weight x prior/outcome share). */
  weight: number;
  /** Points contributed to the score; the contributions add up to the score before rounding. */
  contribution: number;
  explanation: string;
}

export interface QualityScoreResult {
  score: number;
  tier: QualityTier;
  trafficWeight: number;
  badge: boolean;
  components: QualityComponent[];
  /** One reason per component, its weight the rounded contribution. */
  reasons: Reason[];
  policy: PolicyRef;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Share (0..1) of the listing's completeness items present. */
export const listingCompleteness = (listing: CompletenessInput, policy: QualityScorePolicy = QUALITY_SCORE_POLICY): number => {
  const { weights, titleMinChars, descriptionMinChars, minImages } = policy.completeness;
  const present = (s: string): boolean => compactText(s).length > 0;
  const threeNoPresent =
    [present(listing.manufacturer), listing.productionDate !== undefined || present(listing.batchNumber), present(listing.certificateCode)].filter(Boolean)
      .length / 3;
  return (
    weights.title * Math.min(1, [...compactText(listing.title)].length / titleMinChars) +
    weights.description * Math.min(1, [...compactText(listing.description)].length / descriptionMinChars) +
    weights.images * Math.min(1, listing.imageHashes.length / minImages) +
    weights.brand * (present(listing.brand) ? 1 : 0) +
    weights.threeNo * threeNoPresent
  );
};

export const tierFor = (score: number, policy: QualityScorePolicy = QUALITY_SCORE_POLICY): QualityTier =>
  climbLadder(policy.tiers, score)?.outcome ?? 'POOR';

/**
 * Product quality score 0-100. A prior (listing completeness, merchant score, category
 * risk) is blended with what buyers reported (quality returns, complaints, reviews) in
 * proportion to the orders seen, then lab inspections adjust it. Every component says
 * what it contributed, so a merchant can see why the product sits in its tier.
 */
export const computeQualityScore = (inputs: QualityScoreInputs, policy: QualityScorePolicy = QUALITY_SCORE_POLICY): QualityScoreResult => {
  const components: QualityComponent[] = [];
  const orders = Math.max(0, inputs.stats?.orders ?? 0);
  const outcomeShare = orders / (orders + policy.priorStrengthOrders);
  const priorShare = 1 - outcomeShare;
  const add = (name: QualityComponentName, value: number, weight: number, explanation: string): void => {
    components.push({ name, value, weight, contribution: value * weight, explanation });
  };

  // Prior.
  const completeness = listingCompleteness(inputs.listing, policy);
  add('LISTING_COMPLETENESS', completeness * 100, policy.priorWeights.completeness * priorShare, `listing ${pct(completeness)} complete`);
  const merchantScore = clamp(inputs.merchantScore ?? policy.neutralMerchantScore, 1, 5);
  add(
    'MERCHANT_SCORE',
    ((merchantScore - 1) / 4) * 100,
    policy.priorWeights.merchant * priorShare,
    inputs.merchantScore === undefined ? `merchant unscored, neutral ${merchantScore.toFixed(1)}` : `merchant store score ${merchantScore.toFixed(1)} of 5`,
  );
  const risk = clamp(lookupByCategory(policy.categoryRisk, inputs.categoryCode) ?? 0, 0, 1);
  add('CATEGORY_RISK', (1 - risk) * 100, policy.priorWeights.categorySafety * priorShare, `category ${inputs.categoryCode} risk ${risk.toFixed(2)}`);

  // Outcome: what buyers reported.
  const stats = inputs.stats;
  const returnRate = orders > 0 ? (stats?.qualityReturns ?? 0) / orders : 0;
  add(
    'QUALITY_RETURNS',
    clamp(1 - returnRate / policy.qualityReturnRateAtZero, 0, 1) * 100,
    policy.outcomeWeights.qualityReturns * outcomeShare,
    `quality returns ${pct(returnRate)} of ${orders} orders`,
  );
  const complaintRate = orders > 0 ? (stats?.complaints ?? 0) / orders : 0;
  add(
    'COMPLAINTS',
    clamp(1 - complaintRate / policy.complaintRateAtZero, 0, 1) * 100,
    policy.outcomeWeights.complaints * outcomeShare,
    `complaints ${pct(complaintRate)} of ${orders} orders`,
  );
  const positive = Math.max(0, stats?.positiveReviews ?? 0);
  const negative = Math.max(0, stats?.negativeReviews ?? 0);
  const s = policy.reviewSmoothing;
  const positiveShare = (positive + s) / (positive + negative + 2 * s);
  add('REVIEWS', positiveShare * 100, policy.outcomeWeights.reviews * outcomeShare, `${positive} positive / ${negative} negative reviews`);

  // Inspections adjust the blended score.
  const subtotal = components.reduce((sum, c) => sum + c.contribution, 0);
  const adjustment = inspectionAdjustment(inputs.inspections, inputs.now, subtotal, policy);
  components.push({ name: 'INSPECTIONS', value: adjustment.points, weight: 1, contribution: adjustment.points, explanation: adjustment.explanation });

  const score = clamp(Math.round(subtotal + adjustment.points), 0, 100);
  const tier = tierFor(score, policy);
  const effects = policy.tierEffects[tier];
  return {
    score,
    tier,
    trafficWeight: effects.trafficWeight,
    badge: effects.badge,
    components,
    reasons: components.map((c) =>
      reason(`QUALITY.${c.name}`, c.explanation, { value: c.value.toFixed(1), weight: c.weight.toFixed(3) }, Math.round(c.contribution)),
    ),
    policy: { name: policy.name, version: policy.version },
  };
};

const inspectionAdjustment = (
  inspections: readonly InspectionRecord[],
  now: Date,
  subtotal: number,
  policy: QualityScorePolicy,
): { points: number; explanation: string } => {
  const p = policy.inspection;
  const recent = inspections.filter((i) => now.getTime() - i.testedAt.getTime() <= p.lookbackMs && i.testedAt.getTime() <= now.getTime());
  if (recent.length === 0) return { points: 0, explanation: 'no recent lab inspection' };
  const failed = recent.filter((i) => i.verdict === 'FAIL');
  if (failed.some((i) => i.severity === 'CRITICAL')) {
    return { points: p.criticalFailScore - subtotal, explanation: 'critical defect found by a lab inspection' };
  }
  const major = failed.filter((i) => i.severity === 'MAJOR').length;
  const minor = failed.length - major;
  const passes = recent.length - failed.length;
  const bonus = Math.min(p.maxPassBonus, passes * p.passBonus);
  const points = bonus - major * p.majorFailPenalty - minor * p.minorFailPenalty;
  return { points, explanation: `${passes} lab passes, ${major} major and ${minor} minor failures in the lookback` };
};

/** Whether a new score crosses into another tier (QualityTierChanged is published only then). */
export const tierChanged = (previous: QualityTier | undefined, next: QualityTier): boolean => previous !== next;
