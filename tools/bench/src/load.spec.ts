import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { closedLoop, forEachConcurrently, openLoop } from './load';

describe('closedLoop', () => {
  it('makes the warm-up calls, then the measured ones, each index once, and counts failures by kind', async () => {
    const seen: number[] = [];
    const run = await closedLoop({
      inFlight: 3,
      calls: 10,
      maxMs: 60_000,
      warmup: 2,
      async call(i) {
        seen.push(i);
        if (i === 5 || i === 7) throw new Error('refused');
      },
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(run.calls).toBe(8);
    expect(run.errors).toBe(2);
    expect(run.errorKinds).toEqual({ refused: 2 });
  });

  it('says when the warm-up is over: after every warm-up call has returned, before the first measured one starts', async () => {
    const events: string[] = [];
    await closedLoop({
      inFlight: 2,
      calls: 3,
      maxMs: 60_000,
      warmup: 4,
      onMeasureStart: () => events.push('measure'),
      async call(i) {
        events.push(`start ${i}`);
        await sleep(1);
        events.push(`end ${i}`);
      },
    });
    const mark = events.indexOf('measure');
    expect(events.slice(0, mark).filter((e) => e.startsWith('end'))).toHaveLength(4);
    expect(events.slice(mark + 1).filter((e) => e.startsWith('start'))).toEqual(['start 4', 'start 5', 'start 6']);
  });

  it('never has more calls outstanding than asked', async () => {
    let outstanding = 0;
    let most = 0;
    await closedLoop({
      inFlight: 4,
      calls: 20,
      maxMs: 60_000,
      warmup: 0,
      async call() {
        most = Math.max(most, ++outstanding);
        await sleep(1);
        outstanding -= 1;
      },
    });
    expect(most).toBe(4);
  });
});

describe('openLoop', () => {
  it('starts every call due in the window when the service keeps up', async () => {
    const run = await openLoop({ perSecond: 1_000, durationMs: 30, maxInFlight: 64, firstIndex: 100, call: async () => undefined });
    expect(run).toMatchObject({ calls: 30, notStarted: 0, offered: 1_000, errors: 0 });
  });

  it('counts the due calls a slower service never got, and starts none beyond the cap', async () => {
    const indexes: number[] = [];
    let outstanding = 0;
    let most = 0;
    const run = await openLoop({
      perSecond: 1_000,
      durationMs: 30,
      maxInFlight: 2,
      firstIndex: 10,
      async call(i) {
        indexes.push(i);
        most = Math.max(most, ++outstanding);
        await sleep(20);
        outstanding -= 1;
      },
    });
    expect(most).toBeLessThanOrEqual(2);
    expect(run.notStarted).toBeGreaterThan(0);
    expect(run.calls + (run.notStarted ?? 0)).toBe(30);
    expect(indexes).toEqual(Array.from({ length: run.calls }, (_, i) => 10 + i));
  });
});

describe('forEachConcurrently', () => {
  it('runs each index once', async () => {
    const seen = new Set<number>();
    await forEachConcurrently(50, 8, async (i) => {
      seen.add(i);
    });
    expect(seen.size).toBe(50);
  });
});
