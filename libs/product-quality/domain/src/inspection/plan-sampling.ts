import { type PolicyRef, type Reason, Violations, reason, seededRandom } from '@govern/policy-core';
import { anyCategoryCovers, lookupByCategory } from '../shared/category';
import { SAMPLING_INSPECTION_POLICY, type SamplingInspectionPolicy } from './sampling-inspection.policy';

/** An active product that may be sampled. */
export interface SamplingCandidate {
  productId: string;
  skuId: string;
  merchantId: string;
  categoryCode: string;
  /** Estimated risk 0..1 (e.g. 1 - quality score/100, category risk, complaint signals). */
  risk: number | undefined;
  /** Recent sales (units or orders over the policy window); exposure to buyers. */
  sales: number;
}

export interface SamplingCampaignSpec {
  budgetFen: bigint;
  /** Category pattern -> cost per sample in fen (most specific wins). */
  categoryCostsFen: Readonly<Record<string, bigint>>;
  /** Cost for categories not in the table; 0 makes them ineligible. */
  defaultCostFen: bigint;
  /** Categories in scope; empty means all. */
  categoryCodes: readonly string[];
}

export type SelectionBasis = 'RISK_WEIGHTED' | 'RANDOM_FLOOR';

export interface PlannedSample {
  productId: string;
  skuId: string;
  merchantId: string;
  categoryCode: string;
  costFen: bigint;
  basis: SelectionBasis;
  risk: number;
  /** risk x sales for risk-weighted samples, 1 for random-floor samples. */
  weight: number;
}

export interface SamplingPlan {
  seed: number;
  samples: PlannedSample[];
  plannedCostFen: bigint;
  /** Budget kept for the random floor. */
  floorBudgetFen: bigint;
  candidateCount: number;
  eligibleCount: number;
  reasons: Reason[];
  policy: PolicyRef;
}

/** Bad campaign input: a budget or cost out of range, oversized lists. Throws ValidationError. */
export const validateCampaignSpec = (spec: SamplingCampaignSpec, policy: SamplingInspectionPolicy = SAMPLING_INSPECTION_POLICY): void => {
  const v = new Violations();
  checkCampaignSpec(v, spec, policy);
  v.throwIfAny();
};

/** The same checks into the caller's collector (request validation adds its own fields). */
export const checkCampaignSpec = (v: Violations, spec: SamplingCampaignSpec, policy: SamplingInspectionPolicy = SAMPLING_INSPECTION_POLICY): void => {
  const { limits } = policy;
  v.check(spec.budgetFen > 0n, 'budget_fen', 'must be positive', 'OUT_OF_RANGE');
  v.check(spec.budgetFen <= limits.maxBudgetFen, 'budget_fen', `must be at most ${limits.maxBudgetFen} fen`, 'OUT_OF_RANGE');
  v.check(spec.defaultCostFen >= 0n, 'default_cost_fen', 'must not be negative', 'OUT_OF_RANGE');
  v.check(spec.defaultCostFen <= limits.maxCostFen, 'default_cost_fen', `must be at most ${limits.maxCostFen} fen`, 'OUT_OF_RANGE');
  const costs = Object.entries(spec.categoryCostsFen);
  if (v.check(costs.length <= limits.maxCategoryCosts, 'category_costs', `must have at most ${limits.maxCategoryCosts} items`, 'TOO_MANY_ITEMS')) {
    for (const [category, cost] of costs) {
      v.check(cost > 0n, `category_costs[${category}].cost_fen`, 'must be positive', 'OUT_OF_RANGE');
      v.check(cost <= limits.maxCostFen, `category_costs[${category}].cost_fen`, `must be at most ${limits.maxCostFen} fen`, 'OUT_OF_RANGE');
    }
  }
  if (v.maxItems('category_codes', spec.categoryCodes, limits.maxCategoryCodes)) {
    spec.categoryCodes.forEach((code, i) => {
      if (v.require(`category_codes[${i}]`, code)) v.maxLength(`category_codes[${i}]`, code, limits.categoryCodeMaxChars);
    });
  }
};

/**
 * Draws a sampling-inspection plan within the budget.
 *
 * 1. Risk-weighted: products are drawn without replacement with probability proportional
 *    to risk x sales (Efraimidis-Spirakis keys u^(1/w)), each taken if its cost still fits
 *    the risk share of the budget.
 * 2. Random floor: the rest of the budget (the floor share plus whatever the first pass
 *    left) is spent on a uniform draw among the products not yet selected, so a product
 *    with zero risk or zero sales can still be drawn.
 *
 * Candidates are ordered by product id before drawing, so the plan depends only on the
 * candidate set, the campaign and the seed: the same seed replays the same plan.
 */
export const planSampling = (
  candidates: readonly SamplingCandidate[],
  spec: SamplingCampaignSpec,
  seed: number,
  policy: SamplingInspectionPolicy = SAMPLING_INSPECTION_POLICY,
): SamplingPlan => {
  validateCampaignSpec(spec, policy);
  const random = seededRandom(seed);
  const eligible = [...candidates]
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .filter((c, i, all) => i === 0 || all[i - 1]?.productId !== c.productId)
    .filter((c) => anyCategoryCovers(spec.categoryCodes, c.categoryCode))
    .map((c) => ({ candidate: c, costFen: lookupByCategory(spec.categoryCostsFen, c.categoryCode) ?? spec.defaultCostFen }))
    .filter((e) => e.costFen > 0n && e.costFen <= spec.budgetFen);

  const dearest = eligible.reduce((max, e) => (e.costFen > max ? e.costFen : max), 0n);
  const shareFloor = (spec.budgetFen * BigInt(policy.randomFloorShareBps)) / 10_000n;
  const floorBudgetFen = shareFloor >= dearest ? shareFloor : dearest;
  const riskBudgetFen = spec.budgetFen - floorBudgetFen;

  const samples: PlannedSample[] = [];
  const perMerchant = new Map<string, number>();
  const chosen = new Set<string>();
  let spent = 0n;
  const take = (e: (typeof eligible)[number], basis: SelectionBasis, weight: number, limit: bigint): boolean => {
    const merchantCount = perMerchant.get(e.candidate.merchantId) ?? 0;
    if (policy.maxSamplesPerMerchant > 0 && merchantCount >= policy.maxSamplesPerMerchant) return false;
    if (spent + e.costFen > limit) return false;
    spent += e.costFen;
    perMerchant.set(e.candidate.merchantId, merchantCount + 1);
    chosen.add(e.candidate.productId);
    const { productId, skuId, merchantId, categoryCode } = e.candidate;
    samples.push({ productId, skuId, merchantId, categoryCode, costFen: e.costFen, basis, risk: riskOf(e.candidate, policy), weight });
    return true;
  };

  // Every candidate consumes exactly one random number per pass, in id order: reproducible.
  const riskKeys = eligible
    .map((e) => {
      const u = random.next();
      const weight = riskOf(e.candidate, policy) * Math.max(0, e.candidate.sales);
      return { e, weight, key: weight > 0 ? Math.log(u === 0 ? Number.MIN_VALUE : u) / weight : Number.NEGATIVE_INFINITY };
    })
    .filter((k) => k.weight > 0)
    .sort((a, b) => b.key - a.key);
  for (const k of riskKeys) take(k.e, 'RISK_WEIGHTED', k.weight, riskBudgetFen);
  const riskSpent = spent;

  const floorKeys = eligible
    .map((e) => ({ e, key: random.next() }))
    .filter((k) => !chosen.has(k.e.candidate.productId))
    .sort((a, b) => a.key - b.key);
  for (const k of floorKeys) take(k.e, 'RANDOM_FLOOR', 1, spec.budgetFen);

  return {
    seed,
    samples,
    plannedCostFen: spent,
    floorBudgetFen,
    candidateCount: candidates.length,
    eligibleCount: eligible.length,
    reasons: [
      reason('SAMPLING.RISK_WEIGHTED', 'Products drawn with probability proportional to risk x sales', {
        budget_fen: riskBudgetFen.toString(),
        spent_fen: riskSpent.toString(),
        samples: String(samples.filter((s) => s.basis === 'RISK_WEIGHTED').length),
      }),
      reason('SAMPLING.RANDOM_FLOOR', 'Products drawn uniformly so that every active product can be sampled', {
        budget_fen: (spec.budgetFen - riskSpent).toString(),
        spent_fen: (spent - riskSpent).toString(),
        samples: String(samples.filter((s) => s.basis === 'RANDOM_FLOOR').length),
      }),
      reason('SAMPLING.ELIGIBILITY', 'Candidates in scope with a known cost that fits the budget', {
        candidates: String(candidates.length),
        eligible: String(eligible.length),
      }),
    ],
    policy: { name: policy.name, version: policy.version },
  };
};

const riskOf = (c: SamplingCandidate, policy: SamplingInspectionPolicy): number =>
  Math.min(1, Math.max(0, c.risk ?? policy.defaultRisk));
