import { DAY, definePolicyVersions, type VersionedPolicy } from '@govern/policy-core';
import type { Widen } from './widen';

export type ScoreDimension = 'product' | 'logistics' | 'service';

/**
 * How one metric maps to a 1.0-5.0 score: linear between `best` (5.0) and `worst` (1.0),
 * clamped outside. `best` may be above or below `worst` (higher-is-better or lower-is-better).
 */
export interface MetricScale {
  dimension: ScoreDimension;
  /** Weight of the metric inside its dimension; weights of one dimension sum to 1. */
  weight: number;
  best: number;
  worst: number;
}

export const STORE_METRICS = [
  'quality_return_rate',
  'negative_review_rate',
  'dispatch_48h_rate',
  'late_dispatch_rate',
  'fake_shipment_rate',
  'avg_response_minutes',
  'dispute_rate',
  'dispute_loss_rate',
  'complaint_rate',
  // Buyer contacts judged by consumer-experience's service norms (issue 19), from version 2026-12-05.1.
  'contact_response_rate',
  'contact_first_reply_p90_minutes',
  'contact_resolution_rate',
  'contact_satisfaction_rate',
] as const;
export type StoreMetric = (typeof STORE_METRICS)[number];

export interface StoreExperiencePolicy extends VersionedPolicy {
  readonly windowMs: number;
  readonly weights: Readonly<Record<ScoreDimension, number>>;
  readonly minScore: number;
  readonly maxScore: number;
  readonly decimals: number;
  readonly minOrders: number;
  readonly neutralScore: number;
  readonly minReviews: number;
  /**
   * Fewer contacts judged (answered, rated) than these and the contact metric is left out (its weight
   * spread over the others). Versions without it score no contact metric.
   */
  readonly contactMinimums?: { readonly judged: number; readonly answered: number; readonly ratings: number } | undefined;
  /** The metrics this version scores; a metric it does not name counts for nothing. */
  readonly metrics: Readonly<Partial<Record<StoreMetric, MetricScale>>>;
}

/**
 * Store experience score (1.0-5.0) over a rolling 90 days: product 50%, logistics 20%,
 * service 30%, each dimension a weighted mean of metric scores.
 *
 * Neutral score 4.0 under 30 orders: a new store has passed onboarding's risk checks and has
 * too few orders for its rates to mean anything (one complaint in 10 orders is 10%). 4.0 puts
 * it exactly at the affiliate-programme threshold, so new stores are neither locked out of
 * the programme nor ranked above proven ones (who score 4.0-5.0 when they serve well); its
 * own orders take over as soon as there are enough.
 *
 * Superseded by 2026-12-05.1 (below); kept unchanged so the decisions taken under it replay.
 */
export const STORE_EXPERIENCE_POLICY_2026_11: StoreExperiencePolicy = {
  name: 'store-experience-score',
  version: '2026-11-01.1',
  windowMs: 90 * DAY,
  weights: { product: 0.5, logistics: 0.2, service: 0.3 },
  minScore: 1,
  maxScore: 5,
  /** Published scores are rounded to this many decimals; decisions use the published score. */
  decimals: 2,
  minOrders: 30,
  neutralScore: 4.0,
  /** Fewer reviews than this and the review metric is left out (its weight spread over the others). */
  minReviews: 10,
  metrics: {
    // product: are the goods as described?
    quality_return_rate: { dimension: 'product', weight: 0.5, best: 0.002, worst: 0.03 },
    negative_review_rate: { dimension: 'product', weight: 0.5, best: 0.02, worst: 0.2 },
    // logistics: promise clocks kept, no fake tracking numbers
    dispatch_48h_rate: { dimension: 'logistics', weight: 0.5, best: 0.98, worst: 0.8 },
    late_dispatch_rate: { dimension: 'logistics', weight: 0.3, best: 0.005, worst: 0.05 },
    fake_shipment_rate: { dimension: 'logistics', weight: 0.2, best: 0, worst: 0.005 },
    // service: answers fast, few disputes lost, few complaints
    avg_response_minutes: { dimension: 'service', weight: 0.3, best: 3, worst: 60 },
    dispute_rate: { dimension: 'service', weight: 0.2, best: 0.002, worst: 0.03 },
    dispute_loss_rate: { dimension: 'service', weight: 0.25, best: 0.0005, worst: 0.01 },
    complaint_rate: { dimension: 'service', weight: 0.25, best: 0.001, worst: 0.02 },
  },
};

/**
 * Candidate, not active: a store leaves the neutral score only from 50 orders in the window
 * (30 let a few bad weeks of a small store swing it by a whole band). Run in shadow or
 * backtested before it ships.
 */
export const STORE_EXPERIENCE_POLICY_2026_12: StoreExperiencePolicy = { ...STORE_EXPERIENCE_POLICY_2026_11, version: '2026-12-01.1', minOrders: 50 };

/**
 * Active: the service dimension also reads how the merchant's customer service treats buyers who
 * contact it (issue 19; the source credits the merchant service norms with raising service
 * satisfaction and response rate): the share of contacts answered within the norm, the 90th
 * percentile first reply, the share resolved, and the share of satisfied post-contact ratings.
 * The after-sale answer time and the dispute and complaint rates keep most of their say.
 * Scales: a response rate of 98% or more scores 5.0, 70% (three in ten buyers left waiting past
 * the norm) 1.0; satisfaction 96% (the source's new-user figure) scores 5.0, 60% 1.0; a p90 first
 * reply of 3 minutes (the chat norm) 5.0, a day (the message norm: a tenth of the buyers waited past
 * every channel's) 1.0; resolution 90% 5.0, 50% 1.0.
 */
export const STORE_EXPERIENCE_POLICY: StoreExperiencePolicy = {
  ...STORE_EXPERIENCE_POLICY_2026_11,
  version: '2026-12-05.1',
  contactMinimums: { judged: 10, answered: 10, ratings: 10 },
  metrics: {
    ...STORE_EXPERIENCE_POLICY_2026_11.metrics,
    avg_response_minutes: { dimension: 'service', weight: 0.15, best: 3, worst: 60 },
    dispute_rate: { dimension: 'service', weight: 0.1, best: 0.002, worst: 0.03 },
    dispute_loss_rate: { dimension: 'service', weight: 0.15, best: 0.0005, worst: 0.01 },
    complaint_rate: { dimension: 'service', weight: 0.15, best: 0.001, worst: 0.02 },
    contact_response_rate: { dimension: 'service', weight: 0.2, best: 0.98, worst: 0.7 },
    contact_first_reply_p90_minutes: { dimension: 'service', weight: 0.05, best: 3, worst: 24 * 60 },
    contact_resolution_rate: { dimension: 'service', weight: 0.05, best: 0.9, worst: 0.5 },
    contact_satisfaction_rate: { dimension: 'service', weight: 0.15, best: 0.96, worst: 0.6 },
  },
};

/**
 * Candidate, not active: 2026-12-01.1's 50-order minimum over the active document. (2026-12-01.1 is
 * the 2026-11 document with that minimum: beside the active version it would also differ by the
 * contact metrics, so a shadow run of it no longer isolates the minimum.)
 */
export const STORE_EXPERIENCE_POLICY_2026_12_05_CANDIDATE: StoreExperiencePolicy = { ...STORE_EXPERIENCE_POLICY, version: '2026-12-05.2', minOrders: 50 };

/** Every shipped version of the score (decisions replay with the version they were taken under). */
export const STORE_EXPERIENCE_POLICIES = definePolicyVersions<StoreExperiencePolicy>(
  {
    [STORE_EXPERIENCE_POLICY_2026_11.version]: STORE_EXPERIENCE_POLICY_2026_11,
    [STORE_EXPERIENCE_POLICY_2026_12.version]: STORE_EXPERIENCE_POLICY_2026_12,
    [STORE_EXPERIENCE_POLICY.version]: STORE_EXPERIENCE_POLICY,
    [STORE_EXPERIENCE_POLICY_2026_12_05_CANDIDATE.version]: STORE_EXPERIENCE_POLICY_2026_12_05_CANDIDATE,
  },
  STORE_EXPERIENCE_POLICY.version,
);

/** Affiliate programme ("selected alliance") eligibility. */
export const AFFILIATE_POLICY = {
  name: 'affiliate-programme',
  version: '2026-11-01.1',
  minStoreExperienceScore: 4.0,
  /** Any active sanction (restricted, suspended, removed) excludes the merchant. */
  excludeWhenSanctioned: true,
  /** The periodic sweep runs this often (a durable job), besides on demand. */
  sweepIntervalMs: DAY,
} as const;

export type AffiliatePolicy = Widen<typeof AFFILIATE_POLICY>;
