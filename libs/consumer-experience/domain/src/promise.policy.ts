import { DAY, HOUR, type VersionedPolicy } from '@govern/policy-core';

/** Dispatch promises made to buyers and what breaking them costs the merchant. */
export interface PromisePolicy extends VersionedPolicy {
  readonly inStockDispatchWithinMs: number;
  readonly preSaleMaxDispatchMs: number;
  readonly firstScanWithinMs: number;
  readonly lateDispatchCompensation: { readonly basisPoints: bigint; readonly minFen: bigint; readonly maxFen: bigint };
}

export const PROMISE_POLICY: PromisePolicy = {
  name: 'consumer-promise',
  version: '2026-11-01.1',
  /** In-stock orders dispatch within 48 h of payment. */
  inStockDispatchWithinMs: 48 * HOUR,
  /** Pre-sale dispatch may be promised at most 15 days after payment (was 45 days). */
  preSaleMaxDispatchMs: 15 * DAY,
  /** A tracking number with no carrier scan 24 h after dispatch is a fake shipment. */
  firstScanWithinMs: 24 * HOUR,
  /**
   * Late dispatch compensation paid to the buyer: 30% of the amount paid (basis points),
   * at least 5 yuan, at most 50 yuan. The minimum applies even above the price: it is a
   * penalty for the broken promise, not a refund.
   */
  lateDispatchCompensation: { basisPoints: 3000n, minFen: 500n, maxFen: 5000n },
};

