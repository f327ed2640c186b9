import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPeriodicTask } from './periodic-task';

describe('startPeriodicTask', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs every interval after the previous run ends, goes on after a failure, and stop waits for the run in progress', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let runs = 0;
    let inRun = 0;
    let overlapped = false;
    let finishRun: (() => void) | undefined;
    const task = startPeriodicTask({
      intervalMs: 100,
      run: () => {
        runs += 1;
        if (inRun > 0) overlapped = true;
        inRun += 1;
        if (runs === 2) {
          inRun -= 1;
          return Promise.reject(new Error('second run failed'));
        }
        return new Promise<void>((resolve) => {
          finishRun = () => {
            inRun -= 1;
            resolve();
          };
        });
      },
      onError: (error) => errors.push(error),
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    // The first run is still going: no second one however long it takes.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
    finishRun?.();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['second run failed']);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(3);
    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    finishRun?.();
    await stopping;
    await vi.advanceTimersByTimeAsync(1_000);
    expect({ runs, overlapped }).toEqual({ runs: 3, overlapped: false });
  });

  it('reports a run that throws before returning its promise, and runs again', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let runs = 0;
    const task = startPeriodicTask({
      intervalMs: 50,
      run: () => {
        runs += 1;
        throw new Error('thrown at once');
      },
      onError: (error) => errors.push(error),
    });
    await vi.advanceTimersByTimeAsync(120);
    await task.stop();
    expect(runs).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(['thrown at once', 'thrown at once']);
  });

  it('goes on when reporting a failure fails too, and stop still resolves', async () => {
    vi.useFakeTimers();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      let runs = 0;
      const task = startPeriodicTask({
        intervalMs: 50,
        run: () => {
          runs += 1;
          return Promise.reject(new Error('run failed'));
        },
        onError: () => {
          throw new Error('the logger failed');
        },
      });
      await vi.advanceTimersByTimeAsync(120);
      await task.stop();
      vi.useRealTimers();
      // Unhandled rejections are reported on a later turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect({ runs, unhandled }).toEqual({ runs: 2, unhandled: [] });
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
