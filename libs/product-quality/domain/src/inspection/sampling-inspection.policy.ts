import type { VersionedPolicy } from '@govern/policy-core';

export interface SamplingInspectionPolicy extends VersionedPolicy {
  /**
   * Share of the budget (basis points) kept for the random floor: drawn uniformly among
   * every eligible product, so no product is safe from sampling whatever its risk.
   * The floor is raised to the dearest eligible sample so every product can be afforded.
   */
  readonly randomFloorShareBps: number;
  /** Risk assumed for a product without a risk estimate (0..1). */
  readonly defaultRisk: number;
  /** Most samples one merchant may get in a plan (spreads the budget); 0 = no cap. */
  readonly maxSamplesPerMerchant: number;
  /** A critical failure bans the product and every same-SKU product of the merchant. */
  readonly banOnCritical: boolean;
  /** Also ban on a major failure (off by default: major failures lower the quality score). */
  readonly banOnMajor: boolean;
  readonly limits: {
    /** The whole inspection fund of the source is ¥100M; one campaign never exceeds it. */
    readonly maxBudgetFen: bigint;
    /** A mystery purchase plus lab test above this (¥1M) is a typo. */
    readonly maxCostFen: bigint;
    readonly maxCategoryCosts: number;
    readonly maxCategoryCodes: number;
    readonly nameMaxChars: number;
    readonly categoryCodeMaxChars: number;
  };
}

export const SAMPLING_INSPECTION_POLICY: SamplingInspectionPolicy = {
  name: 'sampling-inspection',
  version: '2026-11-01.1',
  randomFloorShareBps: 2_000,
  defaultRisk: 0.3,
  maxSamplesPerMerchant: 0,
  banOnCritical: true,
  banOnMajor: false,
  limits: {
    maxBudgetFen: 10_000_000_000n,
    maxCostFen: 100_000_000n,
    maxCategoryCosts: 200,
    maxCategoryCodes: 200,
    nameMaxChars: 200,
    categoryCodeMaxChars: 128,
  },
};
