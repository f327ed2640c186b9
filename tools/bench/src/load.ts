import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { readErrorDetails } from '@govern/platform-grpc';
import { summarize, type RunSummary } from './stats';

/**
 * The two ways the bench offers load. Closed loop: N callers, each starting its next call when
 * the last returns (the throughput at N in flight). Open loop: calls started on a fixed schedule
 * whatever the answers (the latency at a given rate), each call's latency counted from when it
 * was due, not from when it could start, so a queue in front of the service shows in the figures.
 */
export interface LoadRun extends RunSummary {
  /** Failed calls by "CODE reason" (the first few kinds). */
  errorKinds: Record<string, number>;
  /** Open loop only: the rate asked for, and the calls due in the window that never started. */
  offered?: number;
  notStarted?: number;
}

const errorKind = (error: unknown): string => {
  const details = readErrorDetails(error);
  if (details) return `${details.codeName}${details.reason ? ` ${details.reason}` : ''}`;
  return error instanceof Error ? error.message.slice(0, 80) : String(error).slice(0, 80);
};

class Outcomes {
  readonly latencies: number[] = [];
  errors = 0;
  readonly kinds: Record<string, number> = {};

  record(latencyMs: number, error?: unknown): void {
    if (error === undefined) {
      this.latencies.push(latencyMs);
      return;
    }
    this.errors += 1;
    const kind = errorKind(error);
    if (kind in this.kinds || Object.keys(this.kinds).length < 5) this.kinds[kind] = (this.kinds[kind] ?? 0) + 1;
  }
}

const settle = async (call: () => Promise<unknown>): Promise<unknown> => {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error ?? new Error('rejected without a reason');
  }
};

export interface ClosedLoopOptions {
  inFlight: number;
  /** Calls measured; the run also stops when `maxMs` has passed. */
  calls: number;
  maxMs: number;
  /** Calls made first and not measured (connections, JIT, caches). */
  warmup: number;
  /** Makes call number `i` (0-based over warm-up and measured calls; unique per run). */
  call(i: number): Promise<unknown>;
  /** Called when the warm-up is over and the measured calls begin (e.g. to read CPU counters then). */
  onMeasureStart?: () => void;
}

export const closedLoop = async (options: ClosedLoopOptions): Promise<LoadRun> => {
  let next = 0;
  const drive = async (limit: number, deadline: number, outcomes: Outcomes | undefined): Promise<void> => {
    const worker = async (): Promise<void> => {
      while (next < limit && performance.now() < deadline) {
        const i = next++;
        const started = performance.now();
        const error = await settle(() => options.call(i));
        outcomes?.record(performance.now() - started, error);
      }
    };
    await Promise.all(Array.from({ length: options.inFlight }, worker));
  };
  await drive(options.warmup, performance.now() + options.maxMs, undefined);
  options.onMeasureStart?.();
  const outcomes = new Outcomes();
  const started = performance.now();
  await drive(next + options.calls, started + options.maxMs, outcomes);
  const elapsed = performance.now() - started;
  return { ...summarize(outcomes.latencies, elapsed, outcomes.errors), errorKinds: outcomes.kinds };
};

export interface OpenLoopOptions {
  perSecond: number;
  durationMs: number;
  /** Calls outstanding at most; a call due while this many are out waits (and its wait counts). */
  maxInFlight: number;
  /** First call index (so an open-loop run can follow a closed-loop one without reusing ids). */
  firstIndex: number;
  call(i: number): Promise<unknown>;
}

export const openLoop = async (options: OpenLoopOptions): Promise<LoadRun> => {
  const outcomes = new Outcomes();
  const intervalMs = 1000 / options.perSecond;
  const due = Math.floor(options.durationMs / intervalMs);
  const started = performance.now();
  const outstanding = new Set<Promise<void>>();
  let launched = 0;
  let lastDone = started;
  for (;;) {
    const now = performance.now();
    // Calls due by the end of the window are still started at the end; none after it.
    const dueNow = Math.min(due, Math.floor(Math.min(now - started, options.durationMs) / intervalMs) + 1);
    while (launched < dueNow && outstanding.size < options.maxInFlight) {
      const scheduledAt = started + launched * intervalMs;
      const i = options.firstIndex + launched;
      launched += 1;
      const running = settle(() => options.call(i)).then((error) => {
        lastDone = performance.now();
        outcomes.record(lastDone - scheduledAt, error);
        outstanding.delete(running);
      });
      outstanding.add(running);
    }
    if (launched >= due || now - started >= options.durationMs) break;
    if (launched < dueNow) await Promise.race(outstanding);
    else await sleep(Math.max(0, Math.min(5, started + launched * intervalMs - performance.now())));
  }
  await Promise.all(outstanding);
  const window = Math.max(options.durationMs, lastDone - started);
  return {
    ...summarize(outcomes.latencies, window, outcomes.errors),
    errorKinds: outcomes.kinds,
    offered: options.perSecond,
    notStarted: due - launched,
  };
};

/** Runs `task(i)` for i in [0, count) with `concurrency` at a time (fixture seeding, not measured). */
export const forEachConcurrently = async (count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
};
