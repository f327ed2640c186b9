import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats';

describe('percentile', () => {
  it('is the nearest-rank sample: p50 of 1..100 is 50, p99 is 99, p100 is the maximum', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
  });

  it('of one sample is that sample, of none is NaN', () => {
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  it('sorts the samples and gives the rate per second of the measured window', () => {
    const summary = summarize([30, 10, 20, 40], 2_000, 1);
    expect(summary).toMatchObject({ calls: 4, errors: 1, rate: 2, p50Ms: 20, p99Ms: 40, maxMs: 40, elapsedMs: 2_000 });
  });

  it('of an empty window has no rate', () => {
    expect(summarize([], 0).rate).toBeNaN();
  });
});
