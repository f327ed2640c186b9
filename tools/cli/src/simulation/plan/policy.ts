/** The sizes and shares of the simulated marketplace, and the bounds that keep its outcome independent of timing. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type ScaleName = 'demo' | 'small' | 'medium' | 'large';

/** Orders per scale; everything else is sized from the order count. */
export const SCALES: Readonly<Record<ScaleName, number>> = {
  demo: 300,
  small: 1_500,
  medium: 8_000,
  large: 30_000,
};

/**
 * Every share and bound of the generator. The bounds under "determinism" keep outcomes
 * independent of timing: they mirror the platform's default policies (named with each).
 */
export const SIMULATION_POLICY = {
  name: 'govern-simulation',
  version: '2026-11-28.1',
  /** Orders a selling merchant takes on average, and at most. */
  ordersPerMerchant: { mean: 18, max: 25 },
  /** A flawed listing attempt for this share of merchants, of each kind by weight. */
  products: { perMerchant: [2, 5] as const, flawedMerchantShare: 0.25, flawWeights: { 'three-no': 4, claim: 4, qualification: 2 } },
  applicants: { restrictedShare: 0.15, highRiskShare: 0.1, reviewShare: 0.04, removedShare: 0.05, pointsShare: 0.04 },
  content: { ordersPerCreator: 30, videosPerCreator: [2, 4] as const, premiumShare: 0.3, claimShare: 0.12, repostShare: 0.08 },
  livestreams: { perCreators: 3, scripts: [['clean', 2], ['warn', 1], ['escalate', 1], ['critical', 1]] as const },
  buyers: { ordersPerBuyer: 2.5 },
  orders: {
    kinds: [
      ['delivered', 50],
      ['in-transit', 8],
      ['late-shipped', 6],
      ['never-shipped', 4],
      ['fake-shipment', 3],
      ['pre-sale', 7],
      ['pre-sale-too-long', 1],
      ['awaiting-dispatch', 21],
    ] as const,
    attributedShare: 0.4,
    preDispatchAfterSaleShare: 0.55,
    preSaleAfterSaleShare: 0.2,
    returnShare: 0.14,
    reviewShare: 0.35,
    /** Dispatch deadlines of on-time orders pass this long after the order is recorded (see dueInMs). */
    dueInMs: [4_000, 6_000] as const,
  },
  complaints: { share: 0.04, min: 8 },
  inspection: { sampleShare: 0.12, sampleCostFen: 40_000, earlyCriticalShare: 0.05, earlyMajorShare: 0.08, lateCriticalPer: 150 },
  fund: { contributionFen: 200_000_000n },
  determinism: {
    /** consumer-fast-refund: a buyer with 5+ refunds in 30 days is an abuser; keep every buyer below. */
    maxAfterSalesPerBuyer: 4,
    /** store-experience-score: under 30 orders a store keeps the neutral score, whenever metrics land. */
    maxOrdersPerMerchant: 25,
    /** content-governance: attribution counts from 20 orders; keep every item below. */
    maxOrdersPerContent: 19,
    /**
     * consumer-fast-refund trust tiers (cap per tier, doubled for a merchant at risk): an amount
     * between the cap and twice the cap would be decided by the merchant's standing at that very
     * moment, so it is lowered to the cap.
     */
    trustTiers: [
      { atLeast: 90, capFen: 300_000n },
      { atLeast: 70, capFen: 100_000n },
      { atLeast: 40, capFen: 20_000n },
    ],
  },
} as const;

/** Counts derived from the order count (each at least what makes every figure non-zero). */
export const scenarioSizes = (orders: number) => {
  const p = SIMULATION_POLICY;
  const selling = Math.max(12, Math.ceil(orders / p.ordersPerMerchant.mean));
  const creators = Math.max(8, Math.ceil(orders / p.content.ordersPerCreator));
  return {
    selling,
    restricted: Math.max(2, Math.round(selling * p.applicants.restrictedShare)),
    highRisk: Math.max(3, Math.round(selling * p.applicants.highRiskShare)),
    review: Math.max(2, Math.round(selling * p.applicants.reviewShare)),
    removed: Math.max(3, Math.round(selling * p.applicants.removedShare)),
    pointsSanctioned: Math.max(1, Math.round(selling * p.applicants.pointsShare)),
    creators,
    livestreams: Math.max(5, Math.ceil(creators / p.livestreams.perCreators)),
    buyers: Math.max(40, Math.ceil(orders / p.buyers.ordersPerBuyer)),
    complaints: Math.max(p.complaints.min, Math.round(orders * p.complaints.share)),
  };
};
