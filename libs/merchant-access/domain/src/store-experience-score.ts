import type { PolicyRef } from '@govern/policy-core';
import {
  STORE_EXPERIENCE_POLICY,
  type MetricScale,
  type ScoreDimension,
  type StoreExperiencePolicy,
  type StoreMetric,
} from './policies/store-experience.policy';

/** One MerchantServiceMetricsReported event (consumer-experience), over its own window. */
export interface ServiceMetricsReport {
  windowStart: Date;
  windowEnd: Date;
  orders: number;
  /**
   * In-stock orders whose 48 h dispatch clock ran out in the window: the base of the 48 h
   * dispatch rate (pre-sale orders have longer promises). When absent, all orders are the base.
   */
  inStockOrdersDue?: number | undefined;
  dispatchedWithin48h: number;
  lateDispatches: number;
  fakeShipments: number;
  afterSales: number;
  /** Mean first-response time over the report's after-sales (or conversations). */
  avgResponseMinutes: number;
  disputes: number;
  disputesLost: number;
  complaints: number;
  qualityReturns: number;
  positiveReviews: number;
  negativeReviews: number;
}

export type MetricTotals = Omit<ServiceMetricsReport, 'windowStart' | 'windowEnd' | 'inStockOrdersDue'> & { inStockOrdersDue: number };

export interface ScoreComponent {
  metric: StoreMetric;
  dimension: ScoreDimension;
  observed: number;
  score: number;
  /** Weight inside its dimension after leaving out metrics without enough data. */
  weight: number;
}

export interface StoreExperienceScore {
  score: number;
  product: number;
  logistics: number;
  service: number;
  neutral: boolean;
  orderCount: number;
  windowStart: Date;
  windowEnd: Date;
  components: ScoreComponent[];
  policy: PolicyRef;
}

const EMPTY: MetricTotals = {
  orders: 0, inStockOrdersDue: 0, dispatchedWithin48h: 0, lateDispatches: 0, fakeShipments: 0, afterSales: 0, avgResponseMinutes: 0,
  disputes: 0, disputesLost: 0, complaints: 0, qualityReturns: 0, positiveReviews: 0, negativeReviews: 0,
};

/**
 * Sums the reports of the rolling window ending at `at`. A report belongs to the moment its
 * period ended: the producer's periods need not line up with ours to the millisecond, so one
 * that ends inside the window counts whole. Response time is averaged weighted by after-sales
 * (by orders when a report has none).
 */
export const aggregateMetrics = (
  reports: readonly ServiceMetricsReport[],
  at: Date,
  policy: StoreExperiencePolicy = STORE_EXPERIENCE_POLICY,
): MetricTotals => {
  const from = at.getTime() - policy.windowMs;
  const totals = { ...EMPTY };
  let responseWeight = 0;
  let responseSum = 0;
  for (const r of reports) {
    if (r.windowEnd.getTime() <= from || r.windowEnd.getTime() > at.getTime()) continue;
    totals.orders += r.orders;
    totals.inStockOrdersDue += r.inStockOrdersDue ?? r.orders;
    totals.dispatchedWithin48h += r.dispatchedWithin48h;
    totals.lateDispatches += r.lateDispatches;
    totals.fakeShipments += r.fakeShipments;
    totals.afterSales += r.afterSales;
    totals.disputes += r.disputes;
    totals.disputesLost += r.disputesLost;
    totals.complaints += r.complaints;
    totals.qualityReturns += r.qualityReturns;
    totals.positiveReviews += r.positiveReviews;
    totals.negativeReviews += r.negativeReviews;
    const w = r.afterSales > 0 ? r.afterSales : r.orders;
    if (w > 0) {
      responseWeight += w;
      responseSum += r.avgResponseMinutes * w;
    }
  }
  totals.avgResponseMinutes = responseWeight > 0 ? responseSum / responseWeight : 0;
  return totals;
};

/** Linear from `best` (5.0) to `worst` (1.0), clamped; works for both directions. */
export const metricScore = (observed: number, scale: Pick<MetricScale, 'best' | 'worst'>, policy: StoreExperiencePolicy = STORE_EXPERIENCE_POLICY): number => {
  const { minScore, maxScore } = policy;
  const fraction = (observed - scale.worst) / (scale.best - scale.worst);
  return minScore + (maxScore - minScore) * Math.min(1, Math.max(0, fraction));
};

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/** Observed value of each metric, or undefined when there is nothing to measure it on. */
const observe = (t: MetricTotals, policy: StoreExperiencePolicy): Record<StoreMetric, number | undefined> => {
  const perOrder = (n: number): number => n / t.orders;
  const reviews = t.positiveReviews + t.negativeReviews;
  return {
    quality_return_rate: perOrder(t.qualityReturns),
    negative_review_rate: reviews >= policy.minReviews ? t.negativeReviews / reviews : undefined,
    dispatch_48h_rate: t.inStockOrdersDue > 0 ? t.dispatchedWithin48h / t.inStockOrdersDue : undefined,
    late_dispatch_rate: perOrder(t.lateDispatches),
    fake_shipment_rate: perOrder(t.fakeShipments),
    avg_response_minutes: t.afterSales > 0 ? t.avgResponseMinutes : undefined,
    dispute_rate: perOrder(t.disputes),
    dispute_loss_rate: perOrder(t.disputesLost),
    complaint_rate: perOrder(t.complaints),
  };
};

/**
 * Store experience score 1.0-5.0 over the rolling window: each dimension is the weighted mean of
 * its metric scores (metrics without data left out, the others reweighted); the total weighs
 * product 50%, logistics 20%, service 30%. Under `minOrders` orders the merchant gets the
 * neutral score on every dimension. Scores are published rounded to `decimals`.
 */
export const computeStoreExperienceScore = (
  reports: readonly ServiceMetricsReport[],
  at: Date,
  policy: StoreExperiencePolicy = STORE_EXPERIENCE_POLICY,
): StoreExperienceScore => {
  const totals = aggregateMetrics(reports, at, policy);
  const base = {
    orderCount: totals.orders,
    windowStart: new Date(at.getTime() - policy.windowMs),
    windowEnd: at,
    policy: { name: policy.name, version: policy.version },
  };
  if (totals.orders < policy.minOrders) {
    const n = policy.neutralScore;
    return { ...base, score: n, product: n, logistics: n, service: n, neutral: true, components: [] };
  }

  const observed = observe(totals, policy);
  const components: ScoreComponent[] = [];
  const dimensionScore = (dimension: ScoreDimension): number => {
    const entries = (Object.entries(policy.metrics) as [StoreMetric, MetricScale][]).filter(
      ([metric, scale]) => scale.dimension === dimension && observed[metric] !== undefined,
    );
    const totalWeight = entries.reduce((sum, [, scale]) => sum + scale.weight, 0);
    if (totalWeight === 0) return policy.neutralScore;
    let sum = 0;
    for (const [metric, scale] of entries) {
      const value = observed[metric] as number;
      const score = metricScore(value, scale, policy);
      const weight = scale.weight / totalWeight;
      components.push({ metric, dimension, observed: value, score: round(score, policy.decimals), weight });
      sum += score * weight;
    }
    return sum;
  };
  const product = dimensionScore('product');
  const logistics = dimensionScore('logistics');
  const service = dimensionScore('service');
  const w = policy.weights;
  const score = product * w.product + logistics * w.logistics + service * w.service;
  return {
    ...base,
    score: round(score, policy.decimals),
    product: round(product, policy.decimals),
    logistics: round(logistics, policy.decimals),
    service: round(service, policy.decimals),
    neutral: false,
    components,
  };
};

/**
 * Where a new metrics report fits among the stored ones of the merchant. Reports whose periods
 * overlap cannot both count: the producer may send disjoint periods (they add up), a rolling
 * window recomputed each time, or a correction of a period; in the last two cases the newer
 * report replaces the ones it overlaps. A report that overlaps one ending later arrived out of
 * order and is stale: it changes nothing.
 */
export const placeMetricsReport = <R extends Pick<ServiceMetricsReport, 'windowStart' | 'windowEnd'>>(
  stored: readonly R[],
  incoming: Pick<ServiceMetricsReport, 'windowStart' | 'windowEnd'>,
): { stale: boolean; superseded: R[] } => {
  const overlapping = stored.filter(
    (r) => r.windowStart.getTime() < incoming.windowEnd.getTime() && incoming.windowStart.getTime() < r.windowEnd.getTime(),
  );
  const stale = overlapping.some((r) => r.windowEnd.getTime() > incoming.windowEnd.getTime());
  return { stale, superseded: stale ? [] : overlapping };
};

/**
 * Whether a newly computed score may replace the stored one. StoreExperienceScoreChanged consumers
 * keep the score with the latest window end, so the producer never stores or publishes a score over
 * an earlier window than the one it holds: the order events reach consumers in is then the order of
 * the windows too. (Reports are only ever superseded by one ending later, so a rolling window
 * should not move back; this keeps it so whatever a future change of report placement does.)
 */
export const replacesStoredScore = (stored: { windowEnd: Date } | null | undefined, next: { windowEnd: Date }): boolean =>
  !stored || next.windowEnd.getTime() >= stored.windowEnd.getTime();
