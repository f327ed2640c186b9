import { DAY } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { aggregateMetrics, computeStoreExperienceScore, type ServiceMetricsReport } from './store-experience-score';
import { nextScoreBand, scoreOfTotals, storeScoreRecovery } from './store-score-recovery';

const at = new Date('2026-06-30T00:00:00Z');

/** Two reports in the 90-day window, perfect on every metric unless overridden. */
const reports = (overrides: Partial<ServiceMetricsReport> = {}): ServiceMetricsReport[] => {
  const base = (from: number, to: number): ServiceMetricsReport => ({
    windowStart: new Date(at.getTime() - from * DAY),
    windowEnd: new Date(at.getTime() - to * DAY),
    orders: 500,
    dispatchedWithin48h: 500,
    lateDispatches: 0,
    fakeShipments: 0,
    afterSales: 10,
    avgResponseMinutes: 2,
    disputes: 0,
    disputesLost: 0,
    complaints: 0,
    qualityReturns: 0,
    positiveReviews: 100,
    negativeReviews: 0,
    ...overrides,
  });
  return [base(60, 30), base(30, 0)];
};

describe('what restores a store experience score', () => {
  it('scores window totals exactly as the live score does', () => {
    const live = reports({ complaints: 12, lateDispatches: 9, dispatchedWithin48h: 470, avgResponseMinutes: 20, negativeReviews: 8 });
    expect(scoreOfTotals(aggregateMetrics(live, at), at)).toBe(computeStoreExperienceScore(live, at).score);
  });

  it('names the fewest complaints and the fewest extra on-time orders that reach the next band, and they are the fewest', () => {
    const live = reports({ complaints: 15, disputes: 6, disputesLost: 3 });
    const totals = aggregateMetrics(live, at);
    const recovery = storeScoreRecovery(totals, at);
    expect(recovery.score).toBe(computeStoreExperienceScore(live, at).score);
    expect(recovery.target).toBe(nextScoreBand(recovery.score));
    const target = recovery.target ?? Number.NaN;

    const complaints = recovery.levers.find((l) => l.lever === 'FEWER_COMPLAINTS');
    const k = complaints?.needed ?? Number.NaN;
    expect(k).toBeGreaterThan(0);
    expect(scoreOfTotals({ ...totals, complaints: totals.complaints - k }, at)).toBeGreaterThanOrEqual(target);
    expect(scoreOfTotals({ ...totals, complaints: totals.complaints - (k - 1) }, at)).toBeLessThan(target);

    const orders = recovery.levers.find((l) => l.lever === 'ON_TIME_ORDERS');
    const n = orders?.needed ?? Number.NaN;
    const more = (extra: number) => ({ ...totals, orders: totals.orders + extra, inStockOrdersDue: totals.inStockOrdersDue + extra, dispatchedWithin48h: totals.dispatchedWithin48h + extra });
    expect(scoreOfTotals(more(n), at)).toBeGreaterThanOrEqual(target);
    expect(scoreOfTotals(more(n - 1), at)).toBeLessThan(target);

    // Levers with nothing to remove are not offered.
    expect(recovery.levers.map((l) => l.lever)).not.toContain('FEWER_QUALITY_RETURNS');
  });

  it('says when a lever alone cannot reach the target, with the score it would reach', () => {
    // Slow answers have no lever here: removing every complaint is not enough for 5.0.
    const totals = aggregateMetrics(reports({ complaints: 4, avgResponseMinutes: 45 }), at);
    const recovery = storeScoreRecovery(totals, at, { target: 5.0 });
    const complaints = recovery.levers.find((l) => l.lever === 'FEWER_COMPLAINTS');
    expect(complaints?.needed).toBeUndefined();
    expect(complaints?.scoreWith).toBe(scoreOfTotals({ ...totals, complaints: 0 }, at));
    expect(complaints?.scoreWith).toBeLessThan(5.0);
  });

  it('under the minimum orders the score is neutral: it says how many orders until the store is scored on its own', () => {
    const totals = aggregateMetrics(reports({ orders: 5, dispatchedWithin48h: 5, complaints: 2 }), at);
    expect(storeScoreRecovery(totals, at)).toEqual({ score: 4.0, ordersUntilScored: 20, levers: [] });
  });

  it('bands: the next edge above the score, none at the top', () => {
    expect(nextScoreBand(3.99)).toBe(4.0);
    expect(nextScoreBand(4.0)).toBe(4.5);
    expect(nextScoreBand(5.0)).toBeUndefined();
  });
});
