import { DAY } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { computeStoreExperienceScore, metricScore, placeMetricsReport, replacesStoredScore, type ServiceMetricsReport } from './store-experience-score';

const at = new Date('2026-06-30T00:00:00Z');
const daysAgo = (d: number): Date => new Date(at.getTime() - d * DAY);

/** One report covering days [from, to) ago, perfect on every metric unless overridden. */
const report = (overrides: Partial<ServiceMetricsReport> = {}, from = 30, to = 0): ServiceMetricsReport => ({
  windowStart: daysAgo(from),
  windowEnd: daysAgo(to),
  orders: 1000,
  dispatchedWithin48h: 1000,
  lateDispatches: 0,
  fakeShipments: 0,
  afterSales: 20,
  avgResponseMinutes: 2,
  disputes: 0,
  disputesLost: 0,
  complaints: 0,
  qualityReturns: 0,
  positiveReviews: 200,
  negativeReviews: 0,
  ...overrides,
});

const badProduct = { qualityReturns: 100, negativeReviews: 200 };
const badLogistics = { dispatchedWithin48h: 0, lateDispatches: 100, fakeShipments: 10 };
const badService = { avgResponseMinutes: 120, disputes: 100, disputesLost: 50, complaints: 100 };

describe('store experience score', () => {
  it('is 5.0 for a merchant perfect on every metric', () => {
    const s = computeStoreExperienceScore([report()], at);
    expect(s).toMatchObject({ score: 5, product: 5, logistics: 5, service: 5, neutral: false, orderCount: 1000 });
    expect(s.components).toHaveLength(9);
  });

  it('weighs product 50%, logistics 20%, service 30%', () => {
    // one dimension at 5.0, the others at 1.0: 1 + 4 × weight
    expect(computeStoreExperienceScore([report({ ...badLogistics, ...badService })], at).score).toBe(3.0);
    expect(computeStoreExperienceScore([report({ ...badProduct, ...badService })], at).score).toBe(1.8);
    expect(computeStoreExperienceScore([report({ ...badProduct, ...badLogistics })], at).score).toBe(2.2);
    expect(computeStoreExperienceScore([report({ ...badProduct, ...badLogistics, ...badService })], at).score).toBe(1.0);
  });

  it('gives the neutral 4.0 under 30 orders, and the real score from 30', () => {
    const few = computeStoreExperienceScore([report({ ...badProduct, orders: 29, dispatchedWithin48h: 29, qualityReturns: 5 })], at);
    expect(few).toMatchObject({ score: 4, product: 4, logistics: 4, service: 4, neutral: true, components: [] });
    const enough = computeStoreExperienceScore([report({ orders: 30, dispatchedWithin48h: 30, qualityReturns: 5, negativeReviews: 200 })], at);
    expect(enough.neutral).toBe(false);
    expect(enough.product).toBe(1);
  });

  it('maps a metric linearly between its best and worst values', () => {
    expect(metricScore(0.016, { best: 0.002, worst: 0.03 })).toBeCloseTo(3, 10);
    expect(metricScore(0.89, { best: 0.98, worst: 0.8 })).toBeCloseTo(3, 10);
    expect(metricScore(-1, { best: 0.002, worst: 0.03 })).toBe(5);
    expect(metricScore(1, { best: 0.002, worst: 0.03 })).toBe(1);
  });

  it('counts only the last 90 days', () => {
    const old = report({ ...badProduct, ...badLogistics, ...badService }, 120, 91);
    const s = computeStoreExperienceScore([old, report()], at);
    expect(s).toMatchObject({ score: 5, orderCount: 1000 });
    expect(s.windowStart).toEqual(daysAgo(90));
  });

  it('counts a report whose period ends inside the window, even if it began a little before', () => {
    const rolling = report({ ...badProduct, ...badLogistics, ...badService }, 91, 0);
    expect(computeStoreExperienceScore([rolling], at)).toMatchObject({ score: 1, orderCount: 1000 });
  });

  it('measures the 48 h dispatch rate on in-stock orders due, not on pre-sale orders', () => {
    const s = computeStoreExperienceScore([report({ orders: 1000, inStockOrdersDue: 500, dispatchedWithin48h: 490 })], at);
    expect(s.components.find((c) => c.metric === 'dispatch_48h_rate')).toMatchObject({ observed: 0.98, score: 5 });
  });

  it('leaves out the review metric when there are too few reviews, weighting the rest up', () => {
    const s = computeStoreExperienceScore([report({ positiveReviews: 3, negativeReviews: 6, qualityReturns: 16 })], at);
    expect(s.components.find((c) => c.metric === 'negative_review_rate')).toBeUndefined();
    expect(s.components.find((c) => c.metric === 'quality_return_rate')).toMatchObject({ weight: 1, score: 3 });
    expect(s.product).toBe(3);
  });

  it('rounds the published score to two decimals', () => {
    const s = computeStoreExperienceScore([report({ lateDispatches: 7 })], at);
    expect(s.score).toBe(Number(s.score.toFixed(2)));
    expect(s.logistics).toBeLessThan(5);
  });
});

describe('placing a metrics report among the stored ones', () => {
  const period = (from: number, to: number) => ({ windowStart: daysAgo(from), windowEnd: daysAgo(to) });

  it('adds disjoint periods up', () => {
    expect(placeMetricsReport([period(20, 10)], period(10, 0))).toEqual({ stale: false, superseded: [] });
  });

  it('replaces the rolling window it recomputes, and a corrected period', () => {
    const yesterday = period(91, 1);
    expect(placeMetricsReport([yesterday], period(90, 0))).toEqual({ stale: false, superseded: [yesterday] });
    const same = period(10, 0);
    expect(placeMetricsReport([same], period(10, 0))).toEqual({ stale: false, superseded: [same] });
  });

  it('ignores a report that arrives after a newer one covering the same days', () => {
    expect(placeMetricsReport([period(90, 0)], period(91, 1))).toEqual({ stale: true, superseded: [] });
  });
});

describe('score staleness', () => {
  it('replaces a stored score with one over the same or a later window, never an earlier one', () => {
    expect(replacesStoredScore(undefined, { windowEnd: daysAgo(1) })).toBe(true);
    expect(replacesStoredScore({ windowEnd: daysAgo(1) }, { windowEnd: daysAgo(1) })).toBe(true);
    expect(replacesStoredScore({ windowEnd: daysAgo(2) }, { windowEnd: daysAgo(1) })).toBe(true);
    expect(replacesStoredScore({ windowEnd: daysAgo(1) }, { windowEnd: daysAgo(2) })).toBe(false);
  });
});
