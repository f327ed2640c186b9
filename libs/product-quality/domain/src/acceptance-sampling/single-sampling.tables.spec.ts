import { DomainError, ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { samplingPlan } from './sampling-plan';
import { type InspectionLevel, type InspectionSeverity, type PlanCodeLetter, STANDARD_AQLS } from './sampling.types';
import { type PlanCell, SINGLE_SAMPLING_TABLES, type SingleSamplingTable, TABLE_2A, TABLE_2B, TABLE_2C } from './single-sampling.tables';

/** A lot whose Table 1 code letter is the given one (level II; R needs level III). */
const LOT_FOR: Record<string, { lotSize: number; level: InspectionLevel }> = {
  A: { lotSize: 8, level: 'II' },
  B: { lotSize: 15, level: 'II' },
  C: { lotSize: 25, level: 'II' },
  D: { lotSize: 50, level: 'II' },
  E: { lotSize: 90, level: 'II' },
  F: { lotSize: 150, level: 'II' },
  G: { lotSize: 280, level: 'II' },
  H: { lotSize: 500, level: 'II' },
  J: { lotSize: 1200, level: 'II' },
  K: { lotSize: 3200, level: 'II' },
  L: { lotSize: 10000, level: 'II' },
  M: { lotSize: 35000, level: 'II' },
  N: { lotSize: 150000, level: 'II' },
  P: { lotSize: 500000, level: 'II' },
  Q: { lotSize: 1_000_000, level: 'II' },
  R: { lotSize: 1_000_000, level: 'III' },
};

const planFor = (severity: InspectionSeverity, letter: string, aql: number) => {
  const lot = LOT_FOR[letter];
  if (!lot) throw new Error(letter);
  const p = samplingPlan({ ...lot, aql, severity });
  expect(p.codeLetter).toBe(letter);
  return { planCodeLetter: p.planCodeLetter, n: p.sampleSize, ac: p.acceptance, re: p.rejection, arrow: p.arrow };
};

/** [code letter, AQL, plan letter used, n, Ac, Re] as read in the published table. */
type Published = [string, number, string, number, number, number];

describe('Table 2-A: single sampling, normal inspection', () => {
  it.each<Published>([
    ['J', 2.5, 'J', 80, 5, 6],
    ['J', 4.0, 'J', 80, 7, 8],
    ['J', 1.0, 'J', 80, 2, 3],
    ['J', 0.65, 'J', 80, 1, 2],
    ['J', 6.5, 'J', 80, 10, 11],
    ['J', 10, 'J', 80, 14, 15],
    ['J', 15, 'J', 80, 21, 22],
    ['H', 2.5, 'H', 50, 3, 4],
    ['K', 2.5, 'K', 125, 7, 8],
    ['K', 4.0, 'K', 125, 10, 11],
    ['L', 2.5, 'L', 200, 10, 11],
    ['M', 2.5, 'M', 315, 14, 15],
    ['N', 2.5, 'N', 500, 21, 22],
    ['A', 6.5, 'A', 2, 0, 1],
    ['Q', 0.01, 'Q', 1250, 0, 1],
    ['A', 1000, 'A', 2, 30, 31],
    ['B', 1000, 'B', 3, 44, 45],
  ])('%s at AQL %s: plan %s, n=%i, Ac %i, Re %i', (letter, aql, planLetter, n, ac, re) => {
    expect(planFor('NORMAL', letter, aql)).toMatchObject({ planCodeLetter: planLetter, n, ac, re, arrow: null });
  });

  it.each<[...Published, 'UP' | 'DOWN']>([
    ['P', 2.5, 'N', 500, 21, 22, 'UP'],
    ['Q', 4.0, 'M', 315, 21, 22, 'UP'],
    ['G', 0.65, 'F', 20, 0, 1, 'UP'],
    ['C', 4.0, 'B', 3, 0, 1, 'UP'],
    ['D', 4.0, 'E', 13, 1, 2, 'DOWN'],
    ['E', 2.5, 'F', 20, 1, 2, 'DOWN'],
    ['B', 2.5, 'C', 5, 0, 1, 'DOWN'],
    ['K', 15, 'J', 80, 21, 22, 'UP'],
  ])('%s at AQL %s is an arrow to plan %s: n=%i, Ac %i, Re %i (%s)', (letter, aql, planLetter, n, ac, re, arrow) => {
    expect(planFor('NORMAL', letter, aql)).toEqual({ planCodeLetter: planLetter, n, ac, re, arrow });
  });

  it('inspects the whole lot when the arrow leads to a sample as large as the lot', () => {
    const p = samplingPlan({ lotSize: 4, level: 'II', aql: 2.5, severity: 'NORMAL' });
    expect(p).toMatchObject({ codeLetter: 'A', planCodeLetter: 'C', tableSampleSize: 5, sampleSize: 4, fullInspection: true, acceptance: 0, rejection: 1 });
    expect(samplingPlan({ lotSize: 1000, level: 'II', aql: 2.5, severity: 'NORMAL' }).fullInspection).toBe(false);
  });
});

describe('Table 2-B: single sampling, tightened inspection', () => {
  it.each<Published>([
    ['J', 2.5, 'J', 80, 3, 4],
    ['J', 4.0, 'J', 80, 5, 6],
    ['J', 6.5, 'J', 80, 8, 9],
    ['J', 10, 'J', 80, 12, 13],
    ['J', 15, 'J', 80, 18, 19],
    ['J', 1.0, 'J', 80, 1, 2],
    ['H', 15, 'H', 50, 12, 13],
    ['L', 6.5, 'L', 200, 18, 19],
    ['M', 4.0, 'M', 315, 18, 19],
    ['B', 6.5, 'B', 3, 0, 1],
  ])('%s at AQL %s: plan %s, n=%i, Ac %i, Re %i', (letter, aql, planLetter, n, ac, re) => {
    expect(planFor('TIGHTENED', letter, aql)).toMatchObject({ planCodeLetter: planLetter, n, ac, re, arrow: null });
  });

  it.each<[...Published, 'UP' | 'DOWN']>([
    ['J', 0.65, 'K', 125, 1, 2, 'DOWN'],
    // A two-row arrow: tightened plans never fall back to Ac 0 on a smaller sample.
    ['G', 1.0, 'J', 80, 1, 2, 'DOWN'],
    ['K', 15, 'J', 80, 18, 19, 'UP'],
    ['Q', 4.0, 'M', 315, 18, 19, 'UP'],
    // As in the MIL-STD-105E reproduction of Table II-B: row A at AQL 10 points down to D.
    ['A', 10, 'D', 8, 1, 2, 'DOWN'],
  ])('%s at AQL %s is an arrow to plan %s: n=%i, Ac %i, Re %i (%s)', (letter, aql, planLetter, n, ac, re, arrow) => {
    expect(planFor('TIGHTENED', letter, aql)).toEqual({ planCodeLetter: planLetter, n, ac, re, arrow });
  });
});

describe('Table 2-C: single sampling, reduced inspection (1999 edition, Re = Ac + 1)', () => {
  it.each<Published>([
    ['J', 2.5, 'J', 32, 2, 3],
    ['J', 4.0, 'J', 32, 3, 4],
    ['K', 2.5, 'K', 50, 3, 4],
    ['L', 2.5, 'L', 80, 5, 6],
    ['L', 4.0, 'L', 80, 7, 8],
  ])('%s at AQL %s: plan %s, n=%i, Ac %i, Re %i', (letter, aql, planLetter, n, ac, re) => {
    expect(planFor('REDUCED', letter, aql)).toMatchObject({ planCodeLetter: planLetter, n, ac, re, arrow: null });
  });

  it('uses the reduced sample sizes 2 2 2 3 5 8 13 20 32 50 80 125 200 315 500 800', () => {
    expect(TABLE_2C.letters.map((l) => TABLE_2C.sampleSizes[l])).toEqual([2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800]);
  });

  it('follows its arrows like the other tables', () => {
    expect(planFor('REDUCED', 'F', 2.5)).toEqual({ planCodeLetter: 'E', n: 5, ac: 0, re: 1, arrow: 'UP' });
    expect(planFor('REDUCED', 'A', 6.5)).toEqual({ planCodeLetter: 'C', n: 2, ac: 0, re: 1, arrow: 'DOWN' });
  });
});

describe('zero acceptance (policy AQL 0)', () => {
  it('is Ac 0 / Re 1 on the sample size of the lot code letter in the current table', () => {
    expect(samplingPlan({ lotSize: 1000, level: 'II', aql: 0, severity: 'NORMAL' })).toMatchObject({ sampleSize: 80, acceptance: 0, rejection: 1, zeroAcceptance: true, arrow: null });
    expect(samplingPlan({ lotSize: 1000, level: 'II', aql: 0, severity: 'TIGHTENED' })).toMatchObject({ sampleSize: 80, acceptance: 0, rejection: 1 });
    expect(samplingPlan({ lotSize: 1000, level: 'II', aql: 0, severity: 'REDUCED' })).toMatchObject({ sampleSize: 32, acceptance: 0, rejection: 1 });
  });
});

describe('requests the tables cannot answer', () => {
  it('rejects an AQL that is not a column of the standard', () => {
    expect(() => samplingPlan({ lotSize: 1000, level: 'II', aql: 3, severity: 'NORMAL' })).toThrow(ValidationError);
  });

  it('refuses the edge cells that are not reproduced instead of guessing a plan', () => {
    try {
      samplingPlan({ lotSize: 8, level: 'II', aql: 10, severity: 'NORMAL' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('SAMPLING.PLAN_NOT_REPRODUCED');
    }
    // Reduced rows A and B point down to row C, whose AQL 10 cell is the same one.
    expect(() => samplingPlan({ lotSize: 8, level: 'II', aql: 10, severity: 'REDUCED' })).toThrow(DomainError);
  });
});

describe('table data', () => {
  const tables: readonly SingleSamplingTable[] = [TABLE_2A, TABLE_2B, TABLE_2C];
  const cellsOf = (t: SingleSamplingTable, l: PlanCodeLetter): readonly PlanCell[] => t.cells[l] ?? [];
  const plans = (t: SingleSamplingTable) =>
    t.letters.flatMap((l) => cellsOf(t, l).flatMap((c, j) => (c.kind === 'PLAN' ? [{ letter: l, j, ...c }] : [])));

  it('has one cell per AQL column and Re = Ac + 1 from the standard series of acceptance numbers', () => {
    const series = { '2-A': [0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 44], '2-B': [0, 1, 2, 3, 5, 8, 12, 18, 27, 41], '2-C': [0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 44] };
    for (const t of tables) {
      for (const l of t.letters) expect(cellsOf(t, l)).toHaveLength(STANDARD_AQLS.length);
      for (const p of plans(t)) {
        expect(p.rejection).toBe(p.acceptance + 1);
        expect(series[t.id]).toContain(p.acceptance);
      }
    }
  });

  it('never lowers the acceptance number for a larger sample (down a column) or a larger AQL (along a row)', () => {
    for (const t of tables) {
      for (let j = 0; j < STANDARD_AQLS.length; j++) {
        const column = t.letters.map((l) => cellsOf(t, l)[j]).flatMap((c) => (c?.kind === 'PLAN' ? [c.acceptance] : []));
        expect(column).toEqual([...column].sort((a, b) => a - b));
      }
      for (const l of t.letters) {
        const row = cellsOf(t, l).flatMap((c) => (c.kind === 'PLAN' ? [c.acceptance] : []));
        expect(row).toEqual([...row].sort((a, b) => a - b));
      }
    }
  });

  it('resolves every arrow to a plan, except through the cells listed as not reproduced', () => {
    const notReproduced: string[] = [];
    for (const t of tables) {
      const severity = (Object.keys(SINGLE_SAMPLING_TABLES) as InspectionSeverity[]).find((s) => SINGLE_SAMPLING_TABLES[s] === t) as InspectionSeverity;
      for (const l of t.letters) {
        cellsOf(t, l).forEach((c, j) => {
          if (c.kind === 'NOT_REPRODUCED') notReproduced.push(`${t.id} ${l}/${STANDARD_AQLS[j]}`);
        });
        if (l === 'S') continue; // row S is reached through arrows only
        for (const aql of STANDARD_AQLS) {
          try {
            const p = samplingPlan({ ...(LOT_FOR[l] as { lotSize: number; level: InspectionLevel }), aql, severity });
            expect(p.acceptance).toBeGreaterThanOrEqual(0);
          } catch (e) {
            expect((e as DomainError).code).toBe('SAMPLING.PLAN_NOT_REPRODUCED');
          }
        }
      }
    }
    expect(notReproduced).toEqual(['2-A A/10', '2-A R/0.015', '2-B R/0.015', '2-B R/0.025', '2-C C/10', '2-C R/0.01', '2-C R/0.04']);
  });

  it('has a plan one AQL step tighter in the same row for every normal plan with Ac >= 2 (switching score)', () => {
    for (const p of plans(TABLE_2A).filter((x) => x.acceptance >= 2)) {
      expect(cellsOf(TABLE_2A, p.letter)[p.j - 1]?.kind).toBe('PLAN');
    }
  });

  it('never accepts more often on tightened than on normal inspection at the AQL itself (Poisson OC)', () => {
    const pAccept = (n: number, aql: number, ac: number) => {
      const lambda = (n * aql) / 100;
      let term = Math.exp(-lambda);
      let sum = 0;
      for (let x = 0; x <= ac; x++) {
        sum += term;
        term *= lambda / (x + 1);
      }
      return sum;
    };
    let compared = 0;
    for (const letter of Object.keys(LOT_FOR)) {
      for (const aql of STANDARD_AQLS) {
        const lot = LOT_FOR[letter] as { lotSize: number; level: InspectionLevel };
        let normal;
        let tightened;
        try {
          normal = samplingPlan({ ...lot, aql, severity: 'NORMAL' });
          tightened = samplingPlan({ ...lot, aql, severity: 'TIGHTENED' });
        } catch {
          continue;
        }
        compared++;
        expect(pAccept(tightened.tableSampleSize, aql, tightened.acceptance)).toBeLessThanOrEqual(pAccept(normal.tableSampleSize, aql, normal.acceptance) + 1e-12);
      }
    }
    expect(compared).toBeGreaterThan(400);
  });
});
