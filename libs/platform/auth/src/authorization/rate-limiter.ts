import type { RateLimit } from '@govern/contracts-common';

export type { RateLimit };

/**
 * Per-caller token buckets, in process. Hand-written because it is a dozen lines of
 * arithmetic and the libraries on npm either want Redis or keep a timer per key; each replica
 * limits on its own (a caller spread over N replicas gets up to N times the rate, which the
 * limits below are chosen to tolerate).
 */
export interface RateLimiter {
  /** Takes `cost` units from the bucket of `key`; when there are not enough, nothing is taken and the wait is returned. */
  take(key: string, limit: RateLimit, cost?: number): { allowed: true } | { allowed: false; retryAfterMs: number };
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * `maxKeys` bounds memory under many distinct callers: past it the least recently used bucket
 * is dropped (that caller starts again with a full bucket, the same as after an idle spell).
 */
export const createRateLimiter = (options: { now?: () => number; maxKeys?: number } = {}): RateLimiter => {
  const now = options.now ?? (() => performance.now());
  const maxKeys = options.maxKeys ?? 100_000;
  const buckets = new Map<string, Bucket>();
  return {
    take(key, limit, cost = 1) {
      const capacity = limit.burst ?? limit.perMinute;
      const perMs = limit.perMinute / 60_000;
      const t = now();
      const previous = buckets.get(key);
      const bucket: Bucket = previous ? { tokens: Math.min(capacity, previous.tokens + (t - previous.at) * perMs), at: t } : { tokens: capacity, at: t };
      buckets.delete(key);
      // A single request costing more than the whole burst could never pass; it waits for a full bucket instead.
      const needed = Math.min(cost, capacity);
      if (bucket.tokens >= needed) {
        bucket.tokens -= needed;
        buckets.set(key, bucket);
        trim(buckets, maxKeys);
        return { allowed: true };
      }
      buckets.set(key, bucket);
      trim(buckets, maxKeys);
      return { allowed: false, retryAfterMs: Math.ceil((needed - bucket.tokens) / perMs) };
    },
  };
};

const trim = (buckets: Map<string, Bucket>, maxKeys: number): void => {
  while (buckets.size > maxKeys) {
    const oldest = buckets.keys().next().value;
    if (oldest === undefined) return;
    buckets.delete(oldest);
  }
};
