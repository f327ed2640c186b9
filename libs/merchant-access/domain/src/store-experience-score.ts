import type { PolicyRef } from '@govern/policy-core';
import {
  STORE_EXPERIENCE_POLICY,
  type MetricScale,
  type ScoreDimension,
  type StoreExperiencePolicy,
  type StoreMetric,
} from './policies/store-experience.policy';

type ContactMetric = 'contact_response_rate' | 'contact_first_reply_p90_minutes' | 'contact_resolution_rate' | 'contact_satisfaction_rate';

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
  /**
   * Service-norm figures of the buyer contacts made in the window (issue 19). Absent from reports
   * (and recorded decision inputs) from before they were carried: nothing judged.
   */
  contacts?: number | undefined;
  /** Contacts answered, or whose first reply was due: the response rate's base. */
  contactsJudged?: number | undefined;
  /** Judged contacts not answered within the norm. */
  contactBreaches?: number | undefined;
  contactsAnswered?: number | undefined;
  /** 90th percentile first-reply time of the answered contacts (nearest rank). */
  contactFirstReplyP90Seconds?: number | undefined;
  contactsResolved?: number | undefined;
  contactRatings?: number | undefined;
  contactRatingsSatisfied?: number | undefined;
}

type ContactFigure =
  | 'contacts'
  | 'contactsJudged'
  | 'contactBreaches'
  | 'contactsAnswered'
  | 'contactFirstReplyP90Seconds'
  | 'contactsResolved'
  | 'contactRatings'
  | 'contactRatingsSatisfied';

export type MetricTotals = Omit<ServiceMetricsReport, 'windowStart' | 'windowEnd' | 'inStockOrdersDue' | ContactFigure> & {
  inStockOrdersDue: number;
} & Record<ContactFigure, number>;

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
  contacts: 0, contactsJudged: 0, contactBreaches: 0, contactsAnswered: 0, contactFirstReplyP90Seconds: 0, contactsResolved: 0,
  contactRatings: 0, contactRatingsSatisfied: 0,
};

/**
 * Sums the reports of the rolling window ending at `at`. A report belongs to the moment its
 * period ended: the producer's periods need not line up with ours to the millisecond, so one
 * that ends inside the window counts whole. Response time is averaged weighted by after-sales
 * (by orders when a report has none). Contact counts add up; a percentile cannot be summed, so the
 * first-reply p90 of several reports is their mean weighted by contacts answered (one rolling report,
 * the usual case, keeps its own).
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
  let p90Sum = 0;
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
    totals.contacts += r.contacts ?? 0;
    totals.contactsJudged += r.contactsJudged ?? 0;
    totals.contactBreaches += r.contactBreaches ?? 0;
    totals.contactsAnswered += r.contactsAnswered ?? 0;
    totals.contactsResolved += r.contactsResolved ?? 0;
    totals.contactRatings += r.contactRatings ?? 0;
    totals.contactRatingsSatisfied += r.contactRatingsSatisfied ?? 0;
    p90Sum += (r.contactFirstReplyP90Seconds ?? 0) * (r.contactsAnswered ?? 0);
    const w = r.afterSales > 0 ? r.afterSales : r.orders;
    if (w > 0) {
      responseWeight += w;
      responseSum += r.avgResponseMinutes * w;
    }
  }
  totals.avgResponseMinutes = responseWeight > 0 ? responseSum / responseWeight : 0;
  totals.contactFirstReplyP90Seconds = totals.contactsAnswered > 0 ? p90Sum / totals.contactsAnswered : 0;
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
    ...observeContacts(t, policy),
  };
};

/** The contact metrics, each only with enough contacts behind it (and none under a version without minimums). */
const observeContacts = (t: MetricTotals, policy: StoreExperiencePolicy): Record<ContactMetric, number | undefined> => {
  const min = policy.contactMinimums;
  const enough = (count: number, minimum: number | undefined): boolean => minimum !== undefined && count >= minimum && count > 0;
  return {
    contact_response_rate: enough(t.contactsJudged, min?.judged) ? (t.contactsJudged - t.contactBreaches) / t.contactsJudged : undefined,
    contact_first_reply_p90_minutes: enough(t.contactsAnswered, min?.answered) ? t.contactFirstReplyP90Seconds / 60 : undefined,
    contact_resolution_rate: enough(t.contactsJudged, min?.judged) ? Math.min(1, t.contactsResolved / Math.max(t.contacts, 1)) : undefined,
    contact_satisfaction_rate: enough(t.contactRatings, min?.ratings) ? t.contactRatingsSatisfied / t.contactRatings : undefined,
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
    const entries = (Object.entries(policy.metrics) as [StoreMetric, MetricScale | undefined][]).filter(
      (entry): entry is [StoreMetric, MetricScale] => entry[1] !== undefined && entry[1].dimension === dimension && observed[entry[0]] !== undefined,
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
