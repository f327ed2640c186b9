/**
 * What each path of the bench is measured against, in one table: its floor (another measurement
 * of the same run: a bare grpc-js echo, raw node-postgres transactions of the same shape, nats.js
 * acked publish, or a service path it must not fall far behind) and its goal (issue 13). Figures
 * are compared as ratios to floors measured in the same run, since absolute figures on a shared
 * 2-core machine move with its load.
 */
import type { MachineCpuSplit } from './machine-cpu';

/** One measured path (or floor) of a run. */
export interface Measurement {
  id: string;
  label: string;
  /** Unit of `rate`: calls/s, tx/s, msgs/s, events/s, signals/s, MB/s. */
  unit: string;
  rate?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Wall time of a one-off run (a cascade settling, a simulation). */
  totalMs?: number;
  calls?: number;
  errors?: number;
  /** Open-loop runs: the rate offered. */
  offered?: number;
  /** Named pass/fail facts the path established (e.g. the listing quota held exactly). */
  checks?: Record<string, boolean>;
  notes?: string[];
  /** The whole machine's CPU per call during the row, by process (Linux): what the report's service budget is computed from. */
  machine?: MachineCpuSplit;
  /**
   * A floor's own CPU per call in the stack a service would share with it: the echo server's per
   * call, the node-postgres client's per transaction, nats.js' per event (publish + consume and
   * ack). The least a service doing the same work can cost (see the report's `budgetNote`).
   */
  floorCostMs?: number;
  /** Set when the path could not be measured: why. */
  failed?: string;
}

export type Stat = 'rate' | 'p50Ms' | 'p99Ms' | 'totalMs';

export type Condition =
  /** `stat(row) / stat(floor)` against a bound. */
  | { kind: 'ratio'; op: '>=' | '<='; value: number }
  /** A figure of the row itself against a bound. */
  | { kind: 'stat'; stat: Stat; op: '>=' | '<='; value: number }
  /** A named check the path recorded. */
  | { kind: 'check'; check: string; label: string };

export interface GoalSpec {
  /**
   * The measurement this row is compared with, on which figure, and how the ratio reads: a share
   * of the floor ("42%") or a multiple of it ("6.3×").
   */
  floor?: { id: string; stat: 'rate' | 'p50Ms'; as?: 'share' | 'multiple' };
  /** All must hold for "met". None: the row is informational. */
  conditions: Condition[];
  /**
   * Open-loop rows: the rate offered, as a fraction of the floor's rate or per second. The row
   * must also reach 95% of it for its conditions to count (a latency at a lower rate proves nothing).
   */
  offered?: { fractionOfFloor: number } | { perSecond: number };
  /** The goal is sized for the full run; `--quick` runs a smaller size and does not judge it. */
  fullRunOnly?: boolean;
  /**
   * A latency goal's least: the floors whose p50s, one after the other, are the least any
   * implementation of the path takes here (a gRPC call that reads PostgreSQL is at least a bare
   * gRPC call and a bare read). A missed goal's note says what that leaves the service.
   */
  leastLatency?: string[];
}

/** Share of the offered rate an open-loop run must reach. */
export const OFFERED_REACHED = 0.95;

/**
 * Shape of each decision write's node-postgres floor: statements per transaction, one per table
 * the call writes (the idempotency record's insert and its update counted apart), as counted in
 * pg_stat_user_tables per call on the code of issue 13 (see tools/bench/README.md). Fixed here,
 * so a later version of a service is compared with the same floor.
 */
export const PG_FLOOR_SHAPES = { listing: 7, order: 5, application: 7, afterSale: 10, video: 8 } as const;
export const pgFloorId = (inserts: number, inFlight: 64 | 8): string => `floor.pg.tx${inserts}.${inFlight}`;

/** node-postgres reading one row by its primary key, one caller: the least a read in PostgreSQL adds to a call. */
export const PG_READ_FLOOR_ID = 'floor.pg.read.1';

const writeGoals = (path: string, inserts: number): Record<string, GoalSpec> => ({
  [`writes.${path}.64`]: { floor: { id: pgFloorId(inserts, 64), stat: 'rate' }, conditions: [{ kind: 'ratio', op: '>=', value: 0.5 }] },
  [`writes.${path}.paced`]: {
    floor: { id: pgFloorId(inserts, 64), stat: 'rate' },
    // "p99 ≤ 25 ms at half that rate": half of the goal rate (50% of the floor).
    offered: { fractionOfFloor: 0.25 },
    conditions: [{ kind: 'stat', stat: 'p99Ms', op: '<=', value: 25 }],
  },
});

export const GOALS: Readonly<Record<string, GoalSpec>> = {
  'reads.standing.1': {
    floor: { id: 'floor.echo.1', stat: 'p50Ms', as: 'multiple' },
    conditions: [{ kind: 'ratio', op: '<=', value: 2 }],
    leastLatency: ['floor.echo.1', PG_READ_FLOOR_ID],
  },
  'reads.standing.64': { floor: { id: 'floor.echo.64', stat: 'rate' }, conditions: [{ kind: 'ratio', op: '>=', value: 0.5 }] },
  'reads.batch.8': { floor: { id: 'floor.echo.64', stat: 'rate' }, conditions: [] },
  'writes.evaluate-listing.8': { floor: { id: pgFloorId(PG_FLOOR_SHAPES.listing, 8), stat: 'rate' }, conditions: [] },
  ...writeGoals('evaluate-listing', PG_FLOOR_SHAPES.listing),
  ...writeGoals('record-order', PG_FLOOR_SHAPES.order),
  ...writeGoals('submit-application', PG_FLOOR_SHAPES.application),
  ...writeGoals('request-after-sale', PG_FLOOR_SHAPES.afterSale),
  ...writeGoals('assess-video', PG_FLOOR_SHAPES.video),
  'events.burst': { floor: { id: 'floor.nats.publish', stat: 'rate' }, conditions: [{ kind: 'ratio', op: '>=', value: 0.25 }] },
  'events.paced': {
    floor: { id: 'floor.nats.publish', stat: 'rate' },
    offered: { perSecond: 1_000 },
    conditions: [{ kind: 'stat', stat: 'p99Ms', op: '<=', value: 250 }],
  },
  // The same goal for the pipeline alone, its rows written straight into the producer's outbox.
  'events.pipeline': {
    floor: { id: 'floor.nats.publish', stat: 'rate' },
    offered: { perSecond: 1_000 },
    conditions: [{ kind: 'stat', stat: 'p99Ms', op: '<=', value: 250 }],
  },
  'cascade.merchant-removal': { conditions: [{ kind: 'stat', stat: 'totalMs', op: '<=', value: 30_000 }], fullRunOnly: true },
  'upload.large-merchant': {
    floor: { id: 'writes.evaluate-listing.64', stat: 'rate' },
    // Not queued behind one lock: near the many-merchant rate, and no call waits for seconds.
    conditions: [
      { kind: 'ratio', op: '>=', value: 0.5 },
      { kind: 'stat', stat: 'p99Ms', op: '<=', value: 1_000 },
    ],
  },
  'upload.quota': { conditions: [{ kind: 'check', check: 'quotaExact', label: 'approved = quota' }] },
  'orders.hot-product': { floor: { id: 'writes.record-order.64', stat: 'rate' }, conditions: [{ kind: 'ratio', op: '>=', value: 0.5 }] },
  'livestream.signals': { conditions: [{ kind: 'stat', stat: 'p99Ms', op: '<=', value: 100 }] },
  'lexicon.end-to-end': { floor: { id: 'floor.lexicon.regex', stat: 'rate', as: 'multiple' }, conditions: [{ kind: 'ratio', op: '>=', value: 20 }] },
  'simulate.embedded': { conditions: [{ kind: 'stat', stat: 'totalMs', op: '<=', value: 30_000 }], fullRunOnly: true },
};

/** The node-postgres floors the goal table refers to (the bench measures each once per run). */
export const pgFloorsNeeded = (): { inserts: number; inFlight: 8 | 64 }[] => {
  const ids = new Set(Object.values(GOALS).flatMap((g) => (g.floor?.id.startsWith('floor.pg.') ? [g.floor.id] : [])));
  return [...ids].map((id) => {
    const [, , shape, inFlight] = id.split('.');
    return { inserts: Number(shape?.slice(2)), inFlight: Number(inFlight) as 8 | 64 };
  });
};

/** The rate an open-loop row offers, given the floors measured so far; undefined when its floor is missing. */
export const offeredRate = (id: string, measurements: readonly Measurement[]): number | undefined => {
  const spec = GOALS[id];
  if (!spec?.offered) return undefined;
  if ('perSecond' in spec.offered) return spec.offered.perSecond;
  const floor = measurements.find((m) => m.id === spec.floor?.id)?.rate;
  return floor === undefined || !Number.isFinite(floor) ? undefined : floor * spec.offered.fractionOfFloor;
};
