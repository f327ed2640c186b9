import { Violations } from '@govern/policy-core';
import { type CodeLetter, INSPECTION_LEVELS, type InspectionLevel } from './sampling.types';

/**
 * ISO 2859-1:1999 Table 1 (GB/T 2828.1-2012 表 1): sample size code letters.
 * One row per lot size range; letters in the column order S-1, S-2, S-3, S-4, I, II, III.
 */
const TABLE_1: readonly { from: number; to: number; letters: string }[] = [
  { from: 2, to: 8, letters: 'A A A A A A B' },
  { from: 9, to: 15, letters: 'A A A A A B C' },
  { from: 16, to: 25, letters: 'A A B B B C D' },
  { from: 26, to: 50, letters: 'A B B C C D E' },
  { from: 51, to: 90, letters: 'B B C C C E F' },
  { from: 91, to: 150, letters: 'B B C D D F G' },
  { from: 151, to: 280, letters: 'B C D E E G H' },
  { from: 281, to: 500, letters: 'B C D E F H J' },
  { from: 501, to: 1200, letters: 'C C E F G J K' },
  { from: 1201, to: 3200, letters: 'C D E G H K L' },
  { from: 3201, to: 10000, letters: 'C D F G J L M' },
  { from: 10001, to: 35000, letters: 'C D F H K M N' },
  { from: 35001, to: 150000, letters: 'D E G J L N P' },
  { from: 150001, to: 500000, letters: 'D E G J M P Q' },
  { from: 500001, to: Number.POSITIVE_INFINITY, letters: 'D E H K N Q R' },
];

const ROWS = TABLE_1.map((row) => ({ ...row, byLevel: row.letters.split(' ') as CodeLetter[] }));

/** Checks a lot size and level as request fields; bad input becomes field violations. */
export const checkLotSizeAndLevel = (v: Violations, lotSize: number, level: string): void => {
  v.check(Number.isSafeInteger(lotSize) && lotSize >= 2, 'lot_size', 'must be a whole number of items, at least 2 (Table 1 starts at 2)', 'OUT_OF_RANGE');
  v.check((INSPECTION_LEVELS as readonly string[]).includes(level), 'inspection_level', `must be one of ${INSPECTION_LEVELS.join(', ')}`, 'UNKNOWN_VALUE');
};

/** Sample size code letter for a lot size at an inspection level (Table 1). */
export const codeLetter = (lotSize: number, level: InspectionLevel): CodeLetter => {
  const v = new Violations();
  checkLotSizeAndLevel(v, lotSize, level);
  v.throwIfAny('SAMPLING.INVALID_LOT');
  const row = ROWS.find((r) => lotSize >= r.from && lotSize <= r.to);
  const letter = row?.byLevel[INSPECTION_LEVELS.indexOf(level)];
  if (letter === undefined) throw new Error(`Table 1 has no row for lot size ${lotSize}`);
  return letter;
};
