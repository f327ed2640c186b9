/** General (I, II, III) and special (S-1 ... S-4) inspection levels of ISO 2859-1 Table 1. */
export const INSPECTION_LEVELS = ['S-1', 'S-2', 'S-3', 'S-4', 'I', 'II', 'III'] as const;
export type InspectionLevel = (typeof INSPECTION_LEVELS)[number];

/** Sample size code letters of Table 1 (I and O are not used by the standard). */
export const CODE_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R'] as const;
export type CodeLetter = (typeof CODE_LETTERS)[number];

/** Code letters a plan can come from: S (n = 3150) exists in Table 2-B only, reached through an arrow. */
export type PlanCodeLetter = CodeLetter | 'S';

/** Severity of inspection: which of Tables 2-A, 2-B, 2-C applies. */
export type InspectionSeverity = 'NORMAL' | 'TIGHTENED' | 'REDUCED';

/** Nonconformity classes; same spelling as the lab results (critical / major / minor). */
export type DefectClass = 'CRITICAL' | 'MAJOR' | 'MINOR';
export const DEFECT_CLASSES: readonly DefectClass[] = ['CRITICAL', 'MAJOR', 'MINOR'];

/**
 * The AQL columns of Tables 2-A/2-B/2-C (percent nonconforming up to 10, nonconformities
 * per 100 items above). Compared by value, so callers pass the number as printed (0.065, 2.5).
 */
export const STANDARD_AQLS = [
  0.01, 0.015, 0.025, 0.04, 0.065, 0.1, 0.15, 0.25, 0.4, 0.65, 1, 1.5, 2.5, 4, 6.5, 10, 15, 25, 40, 65, 100, 150, 250,
  400, 650, 1000,
] as const;

/** Policy value for "no nonconformity of this class is accepted" (not an ISO AQL). */
export const ZERO_ACCEPTANCE_AQL = 0;
