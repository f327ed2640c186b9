import { DAY, definePolicyVersions, type VersionedPolicy } from '@govern/policy-core';
import type { CompensationCause } from './model';

/**
 * Consumer protection fund: what the fund pays in advance, per cause, and the per-order caps.
 *
 * Caps, per order (all in fen):
 * - Refund kind (merchant refunds, fast refunds, and fund payments for DISPUTE_UNPAID,
 *   FAILED_INSPECTION and MERCHANT_REMOVED): their sum never exceeds the amount paid; one
 *   after-sale is refunded at most once.
 * - Punitive kind (FRAUD, FOOD_SAFETY): statutory damages on top of the refund. Their sum never
 *   exceeds the largest statutory amount of the causes established for the order (the buyer gets
 *   one statutory award; a later, larger cause pays only the difference).
 * - LATE_DISPATCH: at most the late-dispatch compensation of the promise policy, once.
 * - Return-shipping insurance is paid by the insurer and capped by its own policy, outside these caps.
 */
export interface StatutoryRule {
  readonly multiple: bigint;
  readonly minFen: bigint;
  readonly law: string;
}

export interface CompensationPolicy extends VersionedPolicy {
  readonly refundKindCauses: readonly CompensationCause[];
  readonly statutory: { readonly FRAUD: StatutoryRule; readonly FOOD_SAFETY: StatutoryRule };
  readonly foodCategoryPrefixes: readonly string[];
  readonly failedInspection: { readonly lookbackMs: number; readonly compensatedSeverities: readonly InspectionSeverity[] };
  readonly deposit: { readonly defaultMinimumFen: bigint };
}

/** Most serious defect class a lab found (product-quality's DefectClass). */
export type InspectionSeverity = 'MINOR' | 'MAJOR' | 'CRITICAL';

export const COMPENSATION_POLICY: CompensationPolicy = {
  name: 'consumer-protection-fund',
  version: '2026-11-01.1',
  refundKindCauses: ['DISPUTE_UNPAID', 'FAILED_INSPECTION', 'MERCHANT_REMOVED'],
  /** Consumer Rights Protection Law art. 55 (fraud) and Food Safety Law art. 148. */
  statutory: {
    FRAUD: { multiple: 3n, minFen: 50_000n, law: 'Consumer Rights Protection Law art. 55' },
    FOOD_SAFETY: { multiple: 10n, minFen: 100_000n, law: 'Food Safety Law art. 148' },
  },
  /** Food Safety Law damages apply to goods in these category trees ("food" matches "food.snacks"). */
  foodCategoryPrefixes: ['food'],
  /**
   * A critical lab failure (hazardous goods) pays back every buyer of the product in the 90 days
   * before the failure; major and minor defects go through the normal after-sale flow.
   */
  failedInspection: { lookbackMs: 90 * DAY, compensatedSeverities: ['CRITICAL'] },
  /** Deposit minimum assumed until merchant-access tells the merchant's own (MerchantOnboarded). */
  deposit: { defaultMinimumFen: 200_000n },
};


/**
 * Candidate: the platform tops fraud damages up to at least ¥1,000 (the law's floor is ¥500).
 * Shipped to run in shadow and be backtested (issue 16); not live until made active.
 */
export const COMPENSATION_POLICY_2026_12: CompensationPolicy = {
  ...COMPENSATION_POLICY,
  version: '2026-12-01.1',
  statutory: { ...COMPENSATION_POLICY.statutory, FRAUD: { ...COMPENSATION_POLICY.statutory.FRAUD, minFen: 100_000n } },
};

/** Every shipped version of the fund policy (records name theirs), and the active one. */
export const COMPENSATION_POLICIES = definePolicyVersions(
  { [COMPENSATION_POLICY.version]: COMPENSATION_POLICY, [COMPENSATION_POLICY_2026_12.version]: COMPENSATION_POLICY_2026_12 },
  COMPENSATION_POLICY.version,
);
