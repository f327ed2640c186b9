import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter';

describe('per-caller token buckets', () => {
  it('lets a burst through, then refills at the sustained rate', () => {
    let now = 0;
    const limiter = createRateLimiter({ now: () => now });
    const limit = { perMinute: 60, burst: 3 };
    expect([1, 2, 3].map(() => limiter.take('alice', limit).allowed)).toEqual([true, true, true]);
    expect(limiter.take('alice', limit)).toEqual({ allowed: false, retryAfterMs: 1_000 });
    now += 1_000;
    expect(limiter.take('alice', limit).allowed).toBe(true);
  });

  it('keeps callers apart and charges by cost; a refused request takes nothing', () => {
    let now = 0;
    const limiter = createRateLimiter({ now: () => now });
    const limit = { perMinute: 300, burst: 100 };
    expect(limiter.take('rita', limit, 50).allowed).toBe(true);
    expect(limiter.take('rita', limit, 60)).toEqual({ allowed: false, retryAfterMs: 2_000 });
    expect(limiter.take('rita', limit, 50).allowed).toBe(true);
    expect(limiter.take('rui', limit, 100).allowed).toBe(true);
    now += 2_000;
    expect(limiter.take('rita', limit, 10).allowed).toBe(true);
  });

  it('a request costing more than the burst waits for a full bucket rather than never passing', () => {
    let now = 0;
    const limiter = createRateLimiter({ now: () => now });
    expect(limiter.take('k', { perMinute: 60, burst: 5 }, 50).allowed).toBe(true);
    expect(limiter.take('k', { perMinute: 60, burst: 5 }, 50)).toEqual({ allowed: false, retryAfterMs: 5_000 });
    now += 5_000;
    expect(limiter.take('k', { perMinute: 60, burst: 5 }, 50).allowed).toBe(true);
  });

  it('bounds memory: past maxKeys the least recently used bucket is dropped', () => {
    const now = 0;
    const limiter = createRateLimiter({ now: () => now, maxKeys: 2 });
    const limit = { perMinute: 1, burst: 1 };
    limiter.take('a', limit);
    limiter.take('b', limit);
    limiter.take('c', limit);
    // "a" was dropped, so it starts with a full bucket; "c" is still empty.
    expect(limiter.take('a', limit).allowed).toBe(true);
    expect(limiter.take('c', limit).allowed).toBe(false);
  });
});
