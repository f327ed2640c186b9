import { DAY, definePolicyVersions, type Rung, type VersionedPolicy } from '@govern/policy-core';
import type { AfterSaleReason } from './model';

/**
 * Fast refund: money back before the goods come back. Pre-dispatch requests are refunded at
 * once; post-dispatch ones by buyer trust (tiers with amount caps), merchant standing and the
 * carrier's pickup scan, guarded by a buyer-abuse signal over a rolling window.
 */
export interface FastRefundPolicy extends VersionedPolicy {
  readonly defaultTrustScore: number;
  readonly trustTiers: readonly Rung<{ readonly tier: string; readonly capFen: bigint }>[];
  readonly refundOnlyInTransit: { readonly minTrustScore: number; readonly capFen: bigint; readonly reasons: readonly AfterSaleReason[] };
  readonly merchantAtRisk: { readonly storeScoreBelow: number; readonly capMultiplier: bigint };
  readonly abuse: { readonly windowMs: number; readonly minRefunds: number; readonly maxRefundRate: number; readonly guardsPreDispatch: boolean };
}

export const FAST_REFUND_POLICY: FastRefundPolicy = {
  name: 'consumer-fast-refund',
  version: '2026-11-01.1',
  /** Trust score used when the caller has none (0-100). */
  defaultTrustScore: 60,
  /** Trust tiers: the highest tier reached sets the post-dispatch amount cap; below the first, denied. */
  trustTiers: [
    { atLeast: 40, outcome: { tier: 'STANDARD', capFen: 20_000n } },
    { atLeast: 70, outcome: { tier: 'TRUSTED', capFen: 100_000n } },
    { atLeast: 90, outcome: { tier: 'EXCELLENT', capFen: 300_000n } },
  ],
  /**
   * Refund-only after the carrier picked up the parcel (the buyer keeps the goods) needs more
   * trust, a reason that makes return pointless, and a small amount.
   */
  refundOnlyInTransit: {
    minTrustScore: 70,
    capFen: 5_000n,
    reasons: ['NOT_RECEIVED', 'DAMAGED_IN_TRANSIT', 'MISSING_PARTS', 'LATE_DISPATCH'],
  },
  /**
   * Buyers of a sanctioned or low-scoring merchant are protected sooner: their caps are multiplied.
   * A removed merchant cannot pay a fast refund; the fund protects those buyers instead.
   */
  merchantAtRisk: { storeScoreBelow: 3.5, capMultiplier: 2n },
  /** Buyer abuse: many refunds and a high refund rate over the window deny post-dispatch fast refunds. */
  abuse: {
    windowMs: 30 * DAY,
    minRefunds: 5,
    maxRefundRate: 0.5,
    /** Pre-dispatch refunds risk no goods, so the abuse signal does not hold them back. */
    guardsPreDispatch: false,
  },
};


/**
 * Candidate: post-dispatch caps cut for standard and trusted buyers (¥200 → ¥150, ¥1,000 → ¥800).
 * Shipped so that it can run in shadow beside the active version and be backtested (issue 16);
 * live decisions stay on FAST_REFUND_POLICIES.active until it is made active.
 */
export const FAST_REFUND_POLICY_2026_12: FastRefundPolicy = {
  ...FAST_REFUND_POLICY,
  version: '2026-12-01.1',
  trustTiers: [
    { atLeast: 40, outcome: { tier: 'STANDARD', capFen: 15_000n } },
    { atLeast: 70, outcome: { tier: 'TRUSTED', capFen: 80_000n } },
    { atLeast: 90, outcome: { tier: 'EXCELLENT', capFen: 300_000n } },
  ],
};

/** Every shipped version of the fast-refund policy (records name theirs), and the active one. */
export const FAST_REFUND_POLICIES = definePolicyVersions(
  { [FAST_REFUND_POLICY.version]: FAST_REFUND_POLICY, [FAST_REFUND_POLICY_2026_12.version]: FAST_REFUND_POLICY_2026_12 },
  FAST_REFUND_POLICY.version,
);
