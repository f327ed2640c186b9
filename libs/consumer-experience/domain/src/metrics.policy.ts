import { DAY, MINUTE, type VersionedPolicy } from '@govern/policy-core';

/** How service figures are counted, over which window, and how often they are reported. */
export interface MetricsPolicy extends VersionedPolicy {
  readonly positiveRatingAtLeast: number;
  readonly negativeRatingAtMost: number;
  readonly reportWindowMs: number;
  readonly reportDebounceMs: number;
  readonly maxWindowMs: number;
}

export const METRICS_POLICY: MetricsPolicy = {
  name: 'consumer-service-metrics',
  version: '2026-12-05.1',
  /** Ratings at or above count as positive reviews. */
  positiveRatingAtLeast: 4,
  /** Ratings at or below count as negative reviews. */
  negativeRatingAtMost: 2,
  /** Reported figures (and GetMerchantServiceMetrics without a window) cover the last 90 days, like the store experience score. */
  reportWindowMs: 90 * DAY,
  /**
   * A fact (order, shipment, after-sale, complaint, review) marks its merchant, product and content
   * item for a report at the end of the current 15-minute period: consumers get figures at most
   * 15 minutes old, and a busy merchant causes one report per period, not one per order.
   */
  reportDebounceMs: 15 * MINUTE,
  /**
   * The longest window figures are asked for (a governance report covers a year at most): a
   * window of centuries is no report anyone reads, and scans every fact ever recorded.
   */
  maxWindowMs: 366 * DAY,
};

