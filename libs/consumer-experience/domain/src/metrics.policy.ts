/** How service figures are counted. */
export interface MetricsPolicy {
  readonly name: string;
  readonly version: string;
  readonly positiveRatingAtLeast: number;
  readonly negativeRatingAtMost: number;
}

export const METRICS_POLICY: MetricsPolicy = {
  name: 'consumer-service-metrics',
  version: '2026-11-01.1',
  /** Ratings at or above count as positive reviews. */
  positiveRatingAtLeast: 4,
  /** Ratings at or below count as negative reviews. */
  negativeRatingAtMost: 2,
};

