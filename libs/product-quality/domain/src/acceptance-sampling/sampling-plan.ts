import { Violations, failedPrecondition } from '@govern/policy-core';
import { checkLotSizeAndLevel, codeLetter } from './code-letters.table';
import { SINGLE_SAMPLING_TABLES, type SingleSamplingTable } from './single-sampling.tables';
import {
  type CodeLetter,
  type InspectionLevel,
  type InspectionSeverity,
  type PlanCodeLetter,
  STANDARD_AQLS,
  ZERO_ACCEPTANCE_AQL,
} from './sampling.types';

const SEVERITIES: readonly InspectionSeverity[] = ['NORMAL', 'TIGHTENED', 'REDUCED'];

export interface LotSamplingPlanRequest {
  lotSize: number;
  level: InspectionLevel;
  /** A standard AQL (STANDARD_AQLS) or 0 for zero acceptance. */
  aql: number;
  severity: InspectionSeverity;
}

/** A single sampling plan for one lot and one AQL. */
export interface LotSamplingPlan {
  severity: InspectionSeverity;
  /** Table of the standard the plan comes from ('2-A' normal, '2-B' tightened, '2-C' reduced). */
  table: SingleSamplingTable['id'];
  aql: number;
  /** The lot's code letter from Table 1. */
  codeLetter: CodeLetter;
  /**
   * The code letter whose plan is used: the same as codeLetter unless the cell is an arrow, in
   * which case the standard uses the plan the arrow points to, with that letter's sample size.
   */
  planCodeLetter: PlanCodeLetter;
  /** Direction followed from the lot's cell, or null when the cell holds a plan. */
  arrow: 'DOWN' | 'UP' | null;
  /** Sample size printed for planCodeLetter. */
  tableSampleSize: number;
  /** Items to inspect: the table sample size, or the whole lot when that is not smaller than the lot. */
  sampleSize: number;
  /** True when the table sample size equals or exceeds the lot size: inspect every item (100%). */
  fullInspection: boolean;
  /** Accept the lot when the nonconformities found are at most this number (Ac). */
  acceptance: number;
  /** Reject the lot when the nonconformities found reach this number (Re). */
  rejection: number;
  /** True for the policy's zero-acceptance plans (AQL 0), which are not ISO 2859-1 plans. */
  zeroAcceptance: boolean;
}

interface ResolvedCell {
  letter: PlanCodeLetter;
  acceptance: number;
  rejection: number;
  arrow: 'DOWN' | 'UP' | null;
}

const sampleSizeOf = (table: SingleSamplingTable, letter: PlanCodeLetter): number => {
  const n = table.sampleSizes[letter];
  if (n === undefined) throw new Error(`Table ${table.id} has no sample size for ${letter}`);
  return n;
};

const notReproduced = (table: SingleSamplingTable, from: PlanCodeLetter, at: PlanCodeLetter, aqlIndex: number) =>
  failedPrecondition(
    'SAMPLING.PLAN_NOT_REPRODUCED',
    `Table ${table.id} cell ${at} / AQL ${STANDARD_AQLS[aqlIndex]} is not reproduced from the standard; choose another AQL or inspection level`,
    { table: table.id, code_letter: from, cell: at, aql: String(STANDARD_AQLS[aqlIndex]) },
  );

/**
 * The plan for a code letter and AQL column: the cell's own plan, or the first plan in the
 * direction of its arrow ("use the first sampling plan below/above the arrow"), whatever arrows
 * lie between (a printed arrow can span several rows).
 */
const resolveCell = (table: SingleSamplingTable, letter: PlanCodeLetter, aqlIndex: number): ResolvedCell => {
  const cellAt = (l: PlanCodeLetter) => table.cells[l]?.[aqlIndex];
  const start = cellAt(letter);
  if (start === undefined) throw new Error(`Table ${table.id} has no cell ${letter} / column ${aqlIndex}`);
  if (start.kind === 'PLAN') return { letter, acceptance: start.acceptance, rejection: start.rejection, arrow: null };
  if (start.kind === 'NOT_REPRODUCED') throw notReproduced(table, letter, letter, aqlIndex);
  if (start.kind === 'NOT_PRINTED') throw new Error(`Table ${table.id} cell ${letter} / column ${aqlIndex} is not printed`);
  const step = start.direction === 'DOWN' ? 1 : -1;
  for (let row = table.letters.indexOf(letter) + step; row >= 0 && row < table.letters.length; row += step) {
    const at = table.letters[row] as PlanCodeLetter;
    const cell = cellAt(at);
    if (cell?.kind === 'PLAN') return { letter: at, acceptance: cell.acceptance, rejection: cell.rejection, arrow: start.direction };
    if (cell?.kind === 'NOT_REPRODUCED') throw notReproduced(table, letter, at, aqlIndex);
    if (cell?.kind !== 'ARROW') break;
  }
  throw new Error(`Table ${table.id}: the arrow at ${letter} / column ${aqlIndex} leads to no plan`);
};

export const aqlIndexOf = (aql: number): number => (STANDARD_AQLS as readonly number[]).indexOf(aql);

export const checkAql = (v: Violations, field: string, aql: number): void => {
  v.check(aql === ZERO_ACCEPTANCE_AQL || aqlIndexOf(aql) >= 0, field, `must be 0 (zero acceptance) or a standard AQL (${STANDARD_AQLS.join(', ')})`, 'UNKNOWN_VALUE');
};

const checkSeverity = (v: Violations, severity: string): void => {
  v.check((SEVERITIES as readonly string[]).includes(severity), 'severity', `must be one of ${SEVERITIES.join(', ')}`, 'UNKNOWN_VALUE');
};

/**
 * The single sampling plan for a lot: code letter from Table 1, then the plan of Table 2-A
 * (normal), 2-B (tightened) or 2-C (reduced) for the AQL, following arrows to the plan they
 * point to and taking that plan's sample size; when that sample size equals or exceeds the lot
 * size the whole lot is inspected.
 *
 * AQL 0 is the policy's zero acceptance, not an ISO AQL (ISO 2859-1 has no Ac 0 column): the
 * plan is Ac 0 / Re 1 on the sample size of the lot's own code letter in the table of the
 * current severity, so critical nonconformities are looked for in the same sample as the
 * other classes and a single one rejects the lot.
 */
export const samplingPlan = (request: LotSamplingPlanRequest): LotSamplingPlan => {
  const { lotSize, level, aql, severity } = request;
  const v = new Violations();
  checkLotSizeAndLevel(v, lotSize, level);
  checkAql(v, 'aql', aql);
  checkSeverity(v, severity);
  v.throwIfAny('SAMPLING.INVALID_PLAN_REQUEST');

  const table = SINGLE_SAMPLING_TABLES[severity];
  const letter = codeLetter(lotSize, level);
  const zeroAcceptance = aql === ZERO_ACCEPTANCE_AQL;
  const resolved: ResolvedCell = zeroAcceptance
    ? { letter, acceptance: 0, rejection: 1, arrow: null }
    : resolveCell(table, letter, aqlIndexOf(aql));
  const tableSampleSize = sampleSizeOf(table, resolved.letter);
  const fullInspection = tableSampleSize >= lotSize;
  return {
    severity,
    table: table.id,
    aql,
    codeLetter: letter,
    planCodeLetter: resolved.letter,
    arrow: resolved.arrow,
    tableSampleSize,
    sampleSize: fullInspection ? lotSize : tableSampleSize,
    fullInspection,
    acceptance: resolved.acceptance,
    rejection: resolved.rejection,
    zeroAcceptance,
  };
};

/**
 * Acceptance number of the same sample size one AQL step tighter (the column to the left in
 * the plan's row), for the switching score of ISO 2859-1:1999 9.3.3.2. Undefined when there is
 * no tighter column or that cell is not a plan (never the case for Ac >= 2 in Table 2-A).
 */
export const acceptanceOneStepTighter = (plan: LotSamplingPlan): number | undefined => {
  if (plan.zeroAcceptance) return undefined;
  const index = aqlIndexOf(plan.aql);
  if (index <= 0) return undefined;
  const cell = SINGLE_SAMPLING_TABLES[plan.severity].cells[plan.planCodeLetter]?.[index - 1];
  return cell?.kind === 'PLAN' ? cell.acceptance : undefined;
};
