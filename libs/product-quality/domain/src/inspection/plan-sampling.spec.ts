import { ValidationError, seededRandom } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { type SamplingCampaignSpec, type SamplingCandidate, planSampling } from './plan-sampling';

const spec = (over: Partial<SamplingCampaignSpec> = {}): SamplingCampaignSpec => ({
  budgetFen: 1_000_000n, // ¥10,000
  categoryCostsFen: { food: 80_000n, toys: 120_000n, 'toys.electric': 200_000n },
  defaultCostFen: 50_000n,
  categoryCodes: [],
  ...over,
});

const CATEGORIES = ['food.snacks', 'toys.plush', 'toys.electric', 'home.kitchen'];

const randomCandidates = (n: number, seed: number): SamplingCandidate[] => {
  const r = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    productId: `P-${String(i).padStart(4, '0')}`,
    skuId: `S-${i}`,
    merchantId: `M-${i % 17}`,
    categoryCode: CATEGORIES[Math.floor(r.next() * CATEGORIES.length)] as string,
    risk: r.next(),
    sales: Math.floor(r.next() * 10_000),
  }));
};

describe('sampling plan', () => {
  it('never exceeds the budget, whatever the candidates, budget and seed', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const budget = BigInt(50_000 + ((seed * 7919) % 2_000_000));
      const plan = planSampling(randomCandidates(40 + (seed % 60), seed), spec({ budgetFen: budget }), seed);
      const total = plan.samples.reduce((s, x) => s + x.costFen, 0n);
      expect(total).toBe(plan.plannedCostFen);
      expect(total <= budget).toBe(true);
      expect(new Set(plan.samples.map((s) => s.productId)).size).toBe(plan.samples.length);
    }
  });

  it('charges each sample its category cost (most specific category wins)', () => {
    const plan = planSampling(randomCandidates(200, 3), spec({ budgetFen: 100_000_000n }), 3);
    for (const s of plan.samples) {
      const expected = s.categoryCode === 'toys.electric' ? 200_000n : s.categoryCode.startsWith('toys') ? 120_000n : s.categoryCode.startsWith('food') ? 80_000n : 50_000n;
      expect(s.costFen).toBe(expected);
    }
  });

  it('replays the same plan from the same seed, whatever order the candidates come in', () => {
    const candidates = randomCandidates(100, 11);
    const a = planSampling(candidates, spec(), 42);
    const b = planSampling([...candidates].reverse(), spec(), 42);
    expect(b.samples).toEqual(a.samples);
    const c = planSampling(candidates, spec(), 43);
    expect(c.samples.map((s) => s.productId)).not.toEqual(a.samples.map((s) => s.productId));
  });

  it('draws a zero-risk, zero-sales product through the random floor for some seeds', () => {
    const candidates = [
      ...randomCandidates(60, 5).map((c) => ({ ...c, risk: 0.9, sales: 5_000 })),
      { productId: 'P-SAFE', skuId: 'S', merchantId: 'M', categoryCode: 'home.kitchen', risk: 0, sales: 0 },
    ];
    const drawnIn = Array.from({ length: 200 }, (_, i) => planSampling(candidates, spec(), i + 1)).filter((p) =>
      p.samples.some((s) => s.productId === 'P-SAFE'),
    );
    expect(drawnIn.length).toBeGreaterThan(0);
    expect(drawnIn.length).toBeLessThan(200);
    for (const p of drawnIn) expect(p.samples.find((s) => s.productId === 'P-SAFE')?.basis).toBe('RANDOM_FLOOR');
  });

  it('samples risky best-sellers far more often than safe slow sellers', () => {
    const candidates: SamplingCandidate[] = Array.from({ length: 100 }, (_, i) => ({
      productId: `P-${i}`,
      skuId: `S-${i}`,
      merchantId: `M-${i}`,
      categoryCode: 'home.kitchen',
      risk: i < 10 ? 0.9 : 0.05,
      sales: i < 10 ? 10_000 : 100,
    }));
    let risky = 0;
    let safe = 0;
    for (let seed = 1; seed <= 100; seed++) {
      for (const s of planSampling(candidates, spec({ budgetFen: 500_000n }), seed).samples) {
        if (Number(s.productId.slice(2)) < 10) risky++;
        else safe++;
      }
    }
    // 10 risky vs 90 safe products: per product, the risky ones are drawn many times more often.
    expect(risky / 10).toBeGreaterThan(5 * (safe / 90));
  });

  it('keeps the random floor affordable for the dearest category', () => {
    const candidates = [
      { productId: 'P-1', skuId: 'S', merchantId: 'M', categoryCode: 'toys.electric', risk: 0, sales: 0 },
      { productId: 'P-2', skuId: 'S', merchantId: 'M', categoryCode: 'home', risk: 1, sales: 100 },
    ];
    const plan = planSampling(candidates, spec({ budgetFen: 300_000n }), 1);
    expect(plan.floorBudgetFen).toBe(200_000n);
  });

  it('leaves out products outside the campaign scope or without a cost', () => {
    const candidates = randomCandidates(80, 9);
    const plan = planSampling(candidates, spec({ categoryCodes: ['food'], budgetFen: 100_000_000n }), 9);
    expect(plan.samples.length).toBeGreaterThan(0);
    expect(plan.samples.every((s) => s.categoryCode.startsWith('food'))).toBe(true);
    const noDefault = planSampling(candidates, spec({ defaultCostFen: 0n, budgetFen: 100_000_000n }), 9);
    expect(noDefault.samples.some((s) => s.categoryCode === 'home.kitchen')).toBe(false);
  });

  it('explains the split between risk-weighted and random-floor spending', () => {
    const plan = planSampling(randomCandidates(50, 2), spec(), 2);
    expect(plan.reasons.map((r) => r.code)).toEqual(['SAMPLING.RISK_WEIGHTED', 'SAMPLING.RANDOM_FLOOR', 'SAMPLING.ELIGIBILITY']);
    expect(plan.policy.name).toBe('sampling-inspection');
  });

  it('rejects a campaign without a positive budget', () => {
    expect(() => planSampling([], spec({ budgetFen: 0n }), 1)).toThrow(ValidationError);
  });
});
