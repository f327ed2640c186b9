import { DAY } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { STORE_EXPERIENCE_POLICIES, STORE_EXPERIENCE_POLICY_2026_11, STORE_EXPERIENCE_POLICY_2026_12_05_CANDIDATE } from './policies/store-experience.policy';
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

describe('store experience score: buyer contacts in the service dimension (2026-12-05.1)', () => {
  /** 100 contacts judged, all answered in time, resolved and rated satisfied, p90 first reply 2 minutes. */
  const goodContacts = {
    contacts: 100, contactsJudged: 100, contactBreaches: 0, contactsAnswered: 100, contactFirstReplyP90Seconds: 120,
    contactsResolved: 95, contactRatings: 50, contactRatingsSatisfied: 50,
  };
  const serviceOf = (overrides: Partial<ServiceMetricsReport>) => computeStoreExperienceScore([report({ ...goodContacts, ...overrides })], at);

  it('is the active version, and scores the four contact metrics in the service dimension only', () => {
    expect(STORE_EXPERIENCE_POLICIES.active.version).toBe('2026-12-05.1');
    const s = serviceOf({});
    expect(s).toMatchObject({ score: 5, service: 5 });
    expect(s.components.filter((c) => c.metric.startsWith('contact_')).map((c) => [c.metric, c.dimension])).toEqual([
      ['contact_response_rate', 'service'],
      ['contact_first_reply_p90_minutes', 'service'],
      ['contact_resolution_rate', 'service'],
      ['contact_satisfaction_rate', 'service'],
    ]);
  });

  it('lowers the service dimension and the score for a poor response rate and for low satisfaction', () => {
    // 30 of 100 judged contacts breached: a 70% response rate scores 1.0 at weight 0.2.
    const slow = serviceOf({ contactBreaches: 30 });
    expect(slow.components.find((c) => c.metric === 'contact_response_rate')).toMatchObject({ observed: 0.7, score: 1 });
    expect(slow.service).toBe(4.2);
    expect(slow.score).toBe(4.76);
    // 30 of 50 ratings satisfied: 60% scores 1.0 at weight 0.15.
    const unhappy = serviceOf({ contactRatingsSatisfied: 30 });
    expect(unhappy.components.find((c) => c.metric === 'contact_satisfaction_rate')).toMatchObject({ observed: 0.6, score: 1 });
    expect(unhappy.service).toBe(4.4);
    expect(unhappy.score).toBe(4.82);
  });

  it('has a candidate that differs from the active version by the 50-order minimum alone', () => {
    const forty = { ...goodContacts, contactBreaches: 30, orders: 40, dispatchedWithin48h: 40 };
    expect(computeStoreExperienceScore([report(forty)], at)).toMatchObject({ neutral: false, service: 4.2 });
    expect(computeStoreExperienceScore([report(forty)], at, STORE_EXPERIENCE_POLICY_2026_12_05_CANDIDATE)).toMatchObject({ neutral: true, score: 4 });
    const thousand = computeStoreExperienceScore([report({ ...goodContacts, contactBreaches: 30 })], at, STORE_EXPERIENCE_POLICY_2026_12_05_CANDIDATE);
    expect({ ...thousand, policy: undefined }).toEqual({ ...computeStoreExperienceScore([report({ ...goodContacts, contactBreaches: 30 })], at), policy: undefined });
  });

  it('leaves a contact metric out below its minimum, the others reweighted', () => {
    const few = serviceOf({ contacts: 9, contactsJudged: 9, contactBreaches: 9, contactsAnswered: 0, contactsResolved: 0, contactRatings: 9, contactRatingsSatisfied: 0 });
    expect(few.components.some((c) => c.metric.startsWith('contact_'))).toBe(false);
    expect(few.service).toBe(5);
    // A report without contact figures (sent before they were carried) scores as before them.
    expect(computeStoreExperienceScore([report()], at).components.some((c) => c.metric.startsWith('contact_'))).toBe(false);
  });

  it('leaves the 2026-11-01.1 score as it was: contact figures count for nothing under it', () => {
    const old = computeStoreExperienceScore([report({ ...goodContacts, contactBreaches: 100, contactRatingsSatisfied: 0, ...badService })], at, STORE_EXPERIENCE_POLICY_2026_11);
    expect(old).toEqual(computeStoreExperienceScore([report(badService)], at, STORE_EXPERIENCE_POLICY_2026_11));
    expect(old.components).toHaveLength(9);
  });

  it('adds contact counts of disjoint reports; their p90 is the mean weighted by contacts answered', () => {
    const first = report({ ...goodContacts, contactBreaches: 20, contactFirstReplyP90Seconds: 60, contactsAnswered: 100 }, 60, 30);
    const second = report({ ...goodContacts, contactBreaches: 0, contactFirstReplyP90Seconds: 360, contactsAnswered: 50 }, 30, 0);
    const s = computeStoreExperienceScore([first, second], at);
    expect(s.components.find((c) => c.metric === 'contact_response_rate')?.observed).toBe(180 / 200);
    expect(s.components.find((c) => c.metric === 'contact_first_reply_p90_minutes')?.observed).toBe((60 * 100 + 360 * 50) / 150 / 60);
  });
});
