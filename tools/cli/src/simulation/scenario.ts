/**
 * The synthetic marketplace as a plan: who applies, what is listed, posted, streamed, bought,
 * shipped, returned and complained about, which inspections and violations happen. Pure and
 * seeded: the same options give the same plan, value for value.
 *
 * Times are offsets back from the moment the simulator performs a step ("agoMs"), never
 * absolute: the services run on the real clock, so every timestamp a step sends is in the
 * recent past when it is sent. Ids and request ids derive from the seed (and the optional id
 * prefix), so a rerun of a seed against a fresh platform makes exactly the same calls.
 *
 * The plan is shaped so that its outcome does not depend on how concurrent calls interleave
 * or on when asynchronous events land; the rules it keeps are named where they are kept
 * (see SIMULATION_POLICY).
 */
import { hash32 } from './random';
import { Generator } from './plan/generator';
import { ESTABLISHED_BUYER, planCare } from './plan/care';
import { planComplaints } from './plan/complaints';
import { planContent } from './plan/content';
import { planMerchants, planProducts, planReentries } from './plan/merchants';
import { planOrders } from './plan/orders';
import { scenarioSizes, SIMULATION_POLICY } from './plan/policy';
import type { InspectionPlan, Scenario, ScenarioOptions, ViolationPlan } from './plan/types';

export * from './plan/types';
export { SCALES, scenarioSizes, SIMULATION_POLICY, type ScaleName } from './plan/policy';

/** Builds the plan. Throws on options that cannot make one (a non-integer seed, no orders). */
export const generateScenario = (options: ScenarioOptions): Scenario => {
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffff_ffff) throw new Error(`seed must be an integer 0-4294967295, got ${options.seed}`);
  if (!Number.isInteger(options.orders) || options.orders < 1) throw new Error(`orders must be a positive integer, got ${options.orders}`);
  const g = new Generator(options);
  const sizes = scenarioSizes(options.orders);
  const merchants = planMerchants(g, sizes);
  const sellers = merchants.filter((m) => m.profile === 'clean' || m.profile === 'restricted');
  const products = planProducts(g, sellers);
  const listable = products.filter((p) => p.flaw === 'none');
  const { creators, videos, livestreams } = planContent(g, sizes, listable);
  const { buyers, orders } = planOrders(g, sizes, options.orders, sellers, listable, videos);
  const complaints = planComplaints(g, sizes, orders, videos);

  // Removals and point sanctions hit merchants that sold; late critical tests hit the others.
  const d = g.dice('governance');
  const merchantOf = new Map(listable.map((p) => [p.key, p.merchantKey]));
  const sold = new Set(orders.map((o) => merchantOf.get(o.productKey) as string));
  const candidates = d.shuffle(sellers.filter((m) => m.profile === 'clean' && sold.has(m.key)));
  const removed = candidates.slice(0, sizes.removed);
  const sanctioned = candidates.slice(sizes.removed, sizes.removed + sizes.pointsSanctioned);
  const spared = new Set([...removed, ...sanctioned].map((m) => m.key));
  const violations: ViolationPlan[] = [
    ...removed.map((m, i) => ({ key: g.id('vio', i + 1, 4), merchantKey: m.key, type: 'COUNTERFEIT' as const, description: '经品牌方鉴定与抽检确认销售假冒商品' })),
    ...sanctioned.flatMap((m, i) => [
      { key: g.id('vio', 500 + 2 * i, 4), merchantKey: m.key, type: 'MISSING_QUALIFICATION' as const, description: '类目资质过期后继续销售' },
      { key: g.id('vio', 501 + 2 * i, 4), merchantKey: m.key, type: 'IP_INFRINGEMENT' as const, description: '商品图片侵犯他人著作权，经通知未改' },
    ]),
  ];
  const orderedProducts = new Set(orders.filter((o) => o.kind !== 'pre-sale-too-long').map((o) => o.productKey));
  const lateCriticalCount = Math.max(1, Math.floor(listable.length / SIMULATION_POLICY.inspection.lateCriticalPer));
  const lateCandidates = d.shuffle(listable.filter((p) => p.labOutcome === 'pass' && orderedProducts.has(p.key) && !spared.has(p.merchantKey)));
  for (const product of lateCandidates.slice(0, lateCriticalCount)) product.lateCritical = true;

  // Ordinary buyers are long-standing customers; new buyers' first orders come from the care plan.
  for (const o of orders) o.buyerHistory = { ...ESTABLISHED_BUYER };
  const care = planCare(g, orders, sellers.filter((m) => !spared.has(m.key)), listable);

  const samples = Math.max(4, Math.round(listable.length * SIMULATION_POLICY.inspection.sampleShare));
  const inspection: InspectionPlan = {
    name: `Simulated sampling campaign (seed ${options.seed})`,
    budgetFen: BigInt(samples) * BigInt(SIMULATION_POLICY.inspection.sampleCostFen),
    categoryCosts: [
      { categoryCode: 'food.snacks', costFen: 50_000n },
      { categoryCode: 'cosmetics.skincare', costFen: 45_000n },
      { categoryCode: 'electronics.audio', costFen: 40_000n },
    ],
    defaultCostFen: 30_000n,
    drawSeed: hash32(`${options.seed}:inspection`) || 1,
  };

  return {
    seed: options.seed,
    prefix: g.prefix,
    policy: { name: SIMULATION_POLICY.name, version: SIMULATION_POLICY.version },
    merchants,
    reentries: planReentries(g, removed),
    products,
    creators,
    videos,
    livestreams,
    buyers,
    orders,
    complaints,
    contacts: care.contacts,
    inspection,
    violations,
    fundContributionFen: SIMULATION_POLICY.fund.contributionFen,
  };
};
