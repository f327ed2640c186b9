/**
 * Latency and rate summaries of one measured run. Pure: the runner collects raw samples, this
 * turns them into the figures the table shows.
 */

/** Nearest-rank percentile of ascending samples (p in 0..100); NaN when there are none. */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
};

export interface RunSummary {
  /** Calls that completed (successfully or not) in the measured window. */
  calls: number;
  errors: number;
  /** Completed calls per second of the measured window. */
  rate: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  elapsedMs: number;
}

/** Figures of a run: `latenciesMs` of every completed call, `elapsedMs` of the measured window. */
export const summarize = (latenciesMs: readonly number[], elapsedMs: number, errors = 0): RunSummary => {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    calls: sorted.length,
    errors,
    rate: elapsedMs > 0 ? (sorted.length * 1000) / elapsedMs : Number.NaN,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    elapsedMs,
  };
};
