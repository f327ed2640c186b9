import { describe, expect, it } from 'vitest';
import { type CompletenessInput, type QualityScoreInputs, computeQualityScore, listingCompleteness, tierFor } from './quality-score';
import { QUALITY_SCORE_POLICY } from './quality-score.policy';

const NOW = new Date('2026-11-10T00:00:00Z');

const completeListing: CompletenessInput = {
  title: '316不锈钢保温杯 500ml 双层真空',
  description: '双层真空结构，保温12小时，保冷24小时。杯身316不锈钢，杯盖食品级PP材质，可拆卸清洗，附赠杯刷与杯套，适合通勤、办公、户外使用。',
  brand: 'Acme',
  imageHashes: ['a1', 'a2', 'a3', 'a4'],
  manufacturer: '浙江某某杯业有限公司',
  productionDate: new Date('2026-09-01'),
  batchNumber: '',
  certificateCode: 'GB/T 29606-2013',
};

const inputs = (over: Partial<QualityScoreInputs> = {}): QualityScoreInputs => ({
  listing: completeListing,
  categoryCode: 'home.kitchen',
  merchantScore: 4.5,
  inspections: [],
  now: NOW,
  ...over,
});

const goodStats = { orders: 5000, qualityReturns: 20, complaints: 5, positiveReviews: 1800, negativeReviews: 40 };

describe('quality score', () => {
  it('gives a new product of a good merchant a prior from its listing, merchant and category', () => {
    const r = computeQualityScore(inputs());
    expect(r.components.map((c) => c.name)).toEqual([
      'LISTING_COMPLETENESS',
      'MERCHANT_SCORE',
      'CATEGORY_RISK',
      'QUALITY_RETURNS',
      'COMPLAINTS',
      'REVIEWS',
      'INSPECTIONS',
    ]);
    // No orders yet: buyer outcomes weigh nothing.
    for (const c of r.components.filter((c) => ['QUALITY_RETURNS', 'COMPLAINTS', 'REVIEWS'].includes(c.name))) expect(c.contribution).toBe(0);
    expect(r.score).toBeGreaterThanOrEqual(80);
    expect(r.policy.version).toBe(QUALITY_SCORE_POLICY.version);
  });

  it('explains itself: the contributions add up to the score and each has a reason', () => {
    const r = computeQualityScore(inputs({ stats: goodStats }));
    const total = r.components.reduce((s, c) => s + c.contribution, 0);
    expect(Math.round(total)).toBe(r.score);
    expect(r.reasons.map((x) => x.code)).toContain('QUALITY.QUALITY_RETURNS');
    expect(r.components.find((c) => c.name === 'QUALITY_RETURNS')?.explanation).toContain('5000 orders');
  });

  it('rises to EXCELLENT with a badge and boost when buyers are happy over many orders', () => {
    const r = computeQualityScore(inputs({ stats: goodStats }));
    expect(r.tier).toBe('EXCELLENT');
    expect(r.badge).toBe(true);
    expect(r.trafficWeight).toBeGreaterThan(1);
  });

  it('falls to POOR and is traffic-limited when quality returns and complaints pile up', () => {
    const r = computeQualityScore(
      inputs({ stats: { orders: 3000, qualityReturns: 400, complaints: 200, positiveReviews: 100, negativeReviews: 600 } }),
    );
    expect(r.tier).toBe('POOR');
    expect(r.trafficWeight).toBeLessThan(1);
    expect(r.badge).toBe(false);
  });

  it('lets a handful of orders move the score only a little (the prior holds)', () => {
    const base = computeQualityScore(inputs()).score;
    const r = computeQualityScore(inputs({ stats: { orders: 5, qualityReturns: 2, complaints: 1, positiveReviews: 0, negativeReviews: 2 } }));
    expect(base - r.score).toBeGreaterThan(0);
    expect(base - r.score).toBeLessThan(5);
  });

  it('scores an incomplete listing in a risky category from a weak merchant lower', () => {
    const weak = computeQualityScore(
      inputs({
        listing: { ...completeListing, description: '好', brand: '', imageHashes: ['x'], certificateCode: '' },
        categoryCode: 'food.infant_formula',
        merchantScore: 2.0,
      }),
    );
    expect(weak.score).toBeLessThan(computeQualityScore(inputs()).score - 25);
  });

  it('penalises a major lab failure, rewards passes, and zeroes the score on a critical failure', () => {
    const base = computeQualityScore(inputs({ stats: goodStats })).score;
    const major = computeQualityScore(inputs({ stats: goodStats, inspections: [{ verdict: 'FAIL', severity: 'MAJOR', testedAt: new Date('2026-10-01') }] }));
    expect(major.score).toBe(base - QUALITY_SCORE_POLICY.inspection.majorFailPenalty);
    const pass = computeQualityScore(inputs({ merchantScore: 3, inspections: [{ verdict: 'PASS', testedAt: new Date('2026-10-01') }] }));
    expect(pass.score).toBe(computeQualityScore(inputs({ merchantScore: 3 })).score + QUALITY_SCORE_POLICY.inspection.passBonus);
    const critical = computeQualityScore(inputs({ stats: goodStats, inspections: [{ verdict: 'FAIL', severity: 'CRITICAL', testedAt: new Date('2026-10-01') }] }));
    expect(critical.score).toBe(0);
    expect(critical.tier).toBe('POOR');
  });

  it('forgets lab results older than the lookback', () => {
    const old = computeQualityScore(inputs({ inspections: [{ verdict: 'FAIL', severity: 'MAJOR', testedAt: new Date('2025-01-01') }] }));
    expect(old.score).toBe(computeQualityScore(inputs()).score);
  });

  it('uses a neutral merchant score when the merchant has none', () => {
    const r = computeQualityScore(inputs({ merchantScore: undefined }));
    expect(r.components.find((c) => c.name === 'MERCHANT_SCORE')?.value).toBe(50);
  });
});

describe('tiers', () => {
  it('puts the boundaries where the policy says', () => {
    expect([0, 39, 40, 64, 65, 84, 85, 100].map((s) => tierFor(s))).toEqual([
      'POOR',
      'POOR',
      'FAIR',
      'FAIR',
      'GOOD',
      'GOOD',
      'EXCELLENT',
      'EXCELLENT',
    ]);
  });
});

describe('listingCompleteness', () => {
  it('is 1 for a complete listing and drops with each missing item', () => {
    expect(listingCompleteness(completeListing)).toBeCloseTo(1);
    expect(listingCompleteness({ ...completeListing, brand: '' })).toBeCloseTo(0.9);
    expect(listingCompleteness({ ...completeListing, manufacturer: '', certificateCode: '' })).toBeCloseTo(1 - 0.35 * (2 / 3));
  });
});
