import { describe, expect, it } from 'vitest';
import { SeqTracker } from './seq-tracker';

describe('SeqTracker', () => {
  it('asks again for the values it jumped over until they show up', () => {
    const tracker = new SeqTracker({ gapTtlMs: 60_000, maxGaps: 100 });
    for (const seq of [1n, 2n, 5n]) tracker.observe(seq, 0);
    expect(tracker.last).toBe(5n);
    expect(tracker.gaps(10).sort()).toEqual([3n, 4n]);
    tracker.observe(4n, 20);
    expect(tracker.gaps(30)).toEqual([3n]);
    expect(tracker.last).toBe(5n);
  });

  it('forgets a gap older than any transaction (a rolled-back insert)', () => {
    const tracker = new SeqTracker({ gapTtlMs: 60_000, maxGaps: 100 });
    tracker.observe(3n, 0);
    expect(tracker.gaps(60_000).sort()).toEqual([1n, 2n]);
    expect(tracker.gaps(60_001)).toEqual([]);
  });

  it('keeps at most maxGaps open, the newest ones', () => {
    const tracker = new SeqTracker({ gapTtlMs: 60_000, maxGaps: 3 });
    tracker.observe(1_000n, 0);
    expect(tracker.gaps(0).sort()).toEqual([997n, 998n, 999n]);
    expect(tracker.last).toBe(1_000n);
  });

  it('forgets old gaps after the start-up load', () => {
    const tracker = new SeqTracker({ gapTtlMs: 60_000, maxGaps: 100 });
    tracker.observe(2n, 0);
    tracker.observe(50n, 0);
    tracker.forgetGapsBelow(45n);
    expect(tracker.gaps(0).sort()).toEqual([45n, 46n, 47n, 48n, 49n]);
  });
});
