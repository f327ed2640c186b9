/**
 * How much each path does in a run. `--quick` (under 3 minutes) shortens every row and shrinks
 * the one-off fixtures; the full run covers every path at the sizes of issue 13.
 */
export interface Scale {
  name: 'quick' | 'full';
  /** A closed-loop row stops after this many calls or this long, whichever comes first. */
  rowCalls: number;
  rowMs: number;
  warmup: number;
  /** Length of an open-loop (paced) row. */
  pacedMs: number;
  /** Merchants onboarded (the SubmitApplication row makes at least these). */
  merchants: number;
  cascade: { products: number; contentItems: number; orders: number; undispatchedShare: number; boundMs: number };
  /** Products of the merchant whose removal makes the ProductBanned burst. */
  burstEvents: number;
  upload: { listings: number; quotaListings: number };
  hotProductBuyers: number;
  livestream: { streams: number; signalsPerSecond: number; seconds: number };
  lexiconMb: number;
  /**
   * `govern simulate` arguments (the goal is for `--seed 1` at its default scale). The quick run
   * leaves the simulation out unless asked for by `--only simulate` (it takes minutes).
   */
  simulateArgs: string[];
  simulateByDefault: boolean;
}

export const FULL: Scale = {
  name: 'full',
  rowCalls: 20_000,
  rowMs: 10_000,
  warmup: 200,
  pacedMs: 10_000,
  merchants: 200,
  cascade: { products: 10_000, contentItems: 50_000, orders: 100_000, undispatchedShare: 0.2, boundMs: 600_000 },
  burstEvents: 5_000,
  upload: { listings: 1_000, quotaListings: 200 },
  hotProductBuyers: 10_000,
  livestream: { streams: 200, signalsPerSecond: 4, seconds: 20 },
  lexiconMb: 8,
  simulateArgs: ['simulate', '--seed', '1'],
  simulateByDefault: true,
};

export const QUICK: Scale = {
  name: 'quick',
  rowCalls: 2_000,
  rowMs: 1_500,
  // Enough for the JIT to compile a service's hot path before its first row is measured (with 10,
  // the first row of each service read 1.5-2× the CPU per call of its later rows).
  warmup: 100,
  pacedMs: 1_500,
  merchants: 32,
  cascade: { products: 1_000, contentItems: 5_000, orders: 10_000, undispatchedShare: 0.2, boundMs: 120_000 },
  // Enough for content's handling to last well over a second (at 300 it lasted 0.2-0.3 s, mostly
  // the first and last batches, and could not be timed); the seeding is two INSERT … SELECTs.
  burstEvents: 3_000,
  upload: { listings: 150, quotaListings: 100 },
  hotProductBuyers: 200,
  // Six seconds: the first is the start-up (every stream opens, every session loads), judged apart.
  livestream: { streams: 200, signalsPerSecond: 4, seconds: 6 },
  lexiconMb: 1,
  simulateArgs: ['simulate', '--seed', '1', '--scale', 'demo'],
  simulateByDefault: false,
};
