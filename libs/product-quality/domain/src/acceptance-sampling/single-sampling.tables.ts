import type { InspectionSeverity, PlanCodeLetter } from './sampling.types';

/**
 * ISO 2859-1:1999 Tables 2-A, 2-B and 2-C (GB/T 2828.1-2012 表 2-A/2-B/2-C): single sampling
 * plans for normal, tightened and reduced inspection, as printed, one row per code letter and
 * one cell per AQL column (0.010 ... 1000, see STANDARD_AQLS).
 *
 * Cells:
 *   a/r  a plan: acceptance number Ac = a, rejection number Re = r
 *   ↓    "use the first sampling plan below the arrow" (and its sample size)
 *   ↑    "use the first sampling plan above the arrow" (and its sample size)
 *   ?    not reproduced: the printed cell could not be confirmed from a reliable copy of the
 *        standard, so the module refuses to plan it rather than guess (SAMPLING.PLAN_NOT_REPRODUCED).
 *        These are edge cells only: Table 2-A A/10 (the up-arrow diagonal reaches the top row,
 *        where there is no plan above) and R/0.015; Table 2-B R/0.015 and R/0.025 (arrows into
 *        row S); Table 2-C C/10 (the same cell as 2-A A/10) and R/0.010, R/0.040 (arrows past the
 *        last row).
 *   ·    not printed (row S of Table 2-B has a single plan).
 *
 * Table 2-B row A at AQL 10 is a down arrow (to D, 1/2) as in the MIL-STD-105E reproduction, not
 * 0/1. Table 2-C is the 1999 edition: Re = Ac + 1 (no "accept but reinstate normal" gap); rows
 * A and B (sample size 2, like C) point down to row C.
 * Encoded as data on purpose: tests compare cells with the published tables, not with a formula.
 */
export type PlanCell =
  | { readonly kind: 'PLAN'; readonly acceptance: number; readonly rejection: number }
  | { readonly kind: 'ARROW'; readonly direction: 'DOWN' | 'UP' }
  | { readonly kind: 'NOT_REPRODUCED' }
  | { readonly kind: 'NOT_PRINTED' };

export interface SingleSamplingTable {
  /** Table number in the standard. */
  readonly id: '2-A' | '2-B' | '2-C';
  /** Rows top to bottom. */
  readonly letters: readonly PlanCodeLetter[];
  readonly sampleSizes: Readonly<Partial<Record<PlanCodeLetter, number>>>;
  readonly cells: Readonly<Partial<Record<PlanCodeLetter, readonly PlanCell[]>>>;
}

/** Sample sizes of Tables 2-A and 2-B (S only in 2-B). */
const FULL_SAMPLE_SIZES = {
  A: 2, B: 3, C: 5, D: 8, E: 13, F: 20, G: 32, H: 50, J: 80, K: 125, L: 200, M: 315, N: 500, P: 800, Q: 1250, R: 2000, S: 3150,
} as const;

/** Sample sizes of Table 2-C (reduced inspection). */
const REDUCED_SAMPLE_SIZES = {
  A: 2, B: 2, C: 2, D: 3, E: 5, F: 8, G: 13, H: 20, J: 32, K: 50, L: 80, M: 125, N: 200, P: 315, Q: 500, R: 800,
} as const;

/** Table 2-A, normal inspection; the comment row gives the AQL of each column. */
const TABLE_2A_ROWS = {
  //  0.010 0.015 0.025 0.040 0.065 0.10  0.15  0.25  0.40  0.65  1.0   1.5   2.5   4.0   6.5   10    15    25    40    65    100   150   250   400   650   1000
  A: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ?     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31',
  B: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45',
  C: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ↑',
  D: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ↑     ↑',
  E: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ↑     ↑     ↑',
  F: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑',
  G: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  H: '↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  J: '↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  K: '↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  L: '↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  M: '↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  N: '↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  P: '↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  Q: '0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  R: '↑     ?     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
} as const;

/** Table 2-B, tightened inspection. */
const TABLE_2B_ROWS = {
  //  0.010 0.015 0.025 0.040 0.065 0.10  0.15  0.25  0.40  0.65  1.0   1.5   2.5   4.0   6.5   10    15    25    40    65    100   150   250   400   650   1000
  A: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 27/28',
  B: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 27/28 41/42',
  C: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 27/28 41/42 ↑',
  D: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 27/28 41/42 ↑     ↑',
  E: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 27/28 41/42 ↑     ↑     ↑',
  F: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑',
  G: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  H: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  J: '↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  K: '↓     ↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  L: '↓     ↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  M: '↓     ↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  N: '↓     ↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  P: '↓     ↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  Q: '↓     0/1   ↓     ↓     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  R: '0/1   ?     ?     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  S: '1/2   ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·     ·',
} as const;

/** Table 2-C, reduced inspection. */
const TABLE_2C_ROWS = {
  //  0.010 0.015 0.025 0.040 0.065 0.10  0.15  0.25  0.40  0.65  1.0   1.5   2.5   4.0   6.5   10    15    25    40    65    100   150   250   400   650   1000
  A: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓',
  B: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓',
  C: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ?     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31',
  D: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45',
  E: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ↑',
  F: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ↑     ↑',
  G: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ↑     ↑     ↑',
  H: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑',
  J: '↓     ↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  K: '↓     ↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  L: '↓     ↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  M: '↓     ↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  N: '↓     ↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  P: '↓     ↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  Q: '↓     ↓     0/1   ↑     ↓     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
  R: '?     0/1   ↑     ?     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑     ↑',
} as const;

const parseCell = (token: string): PlanCell => {
  if (token === '↓') return { kind: 'ARROW', direction: 'DOWN' };
  if (token === '↑') return { kind: 'ARROW', direction: 'UP' };
  if (token === '?') return { kind: 'NOT_REPRODUCED' };
  if (token === '·') return { kind: 'NOT_PRINTED' };
  const match = /^(\d+)\/(\d+)$/.exec(token);
  if (!match) throw new Error(`Unreadable sampling table cell "${token}"`);
  return { kind: 'PLAN', acceptance: Number(match[1]), rejection: Number(match[2]) };
};

const parseTable = (
  id: SingleSamplingTable['id'],
  rows: Readonly<Partial<Record<PlanCodeLetter, string>>>,
  sampleSizes: SingleSamplingTable['sampleSizes'],
): SingleSamplingTable => {
  const letters = Object.keys(rows) as PlanCodeLetter[];
  const cells: Partial<Record<PlanCodeLetter, readonly PlanCell[]>> = {};
  for (const letter of letters) cells[letter] = (rows[letter] ?? '').trim().split(/\s+/).map(parseCell);
  return { id, letters, sampleSizes, cells };
};

export const TABLE_2A = parseTable('2-A', TABLE_2A_ROWS, FULL_SAMPLE_SIZES);
export const TABLE_2B = parseTable('2-B', TABLE_2B_ROWS, FULL_SAMPLE_SIZES);
export const TABLE_2C = parseTable('2-C', TABLE_2C_ROWS, REDUCED_SAMPLE_SIZES);

export const SINGLE_SAMPLING_TABLES: Readonly<Record<InspectionSeverity, SingleSamplingTable>> = {
  NORMAL: TABLE_2A,
  TIGHTENED: TABLE_2B,
  REDUCED: TABLE_2C,
};
