import { DAY, HOUR } from '@govern/policy-core';
import type { Widen } from './widen';

/** Review queue and appeals: how long reviewers have, and how long merchants have to appeal. */
export const REVIEW_POLICY = {
  name: 'merchant-review',
  version: '2026-11-01.1',
  /** A review case must be decided within this time of being opened. */
  caseSlaMs: 72 * HOUR,
  /** An appeal must be filed within this time of the violation being recorded (notified). */
  appealWindowMs: 7 * DAY,
  limits: { noteMaxLength: 2000, statementMaxLength: 4000, maxEvidenceRefs: 20 },
} as const;

export type ReviewPolicy = Widen<typeof REVIEW_POLICY>;
