import type { PolicyRef, VersionedPolicy } from '@govern/policy-core';
import type { DefectClass, InspectionLevel } from './sampling.types';

/**
 * Acceptance sampling of incoming lots under ISO 2859-1:1999 (GB/T 2828.1-2012): the inspection
 * level, the AQL per defect class and the switching rules. The switching numbers are the
 * standard's own; they live here so a decision records the version it was taken under.
 */
export interface AcceptanceSamplingPolicy extends VersionedPolicy {
  /** Inspection level used with Table 1 to find the sample size code letter. */
  readonly inspectionLevel: InspectionLevel;
  /**
   * AQL (percent nonconforming) per defect class. 0 is not an ISO AQL: it means zero
   * acceptance (Ac 0 / Re 1) on the sample size of the lot's code letter (see sampling-plan.ts).
   */
  readonly aqlByDefectClass: Readonly<Record<DefectClass, number>>;
  readonly switching: {
    /** 9.3.1: normal -> tightened when this many lots are not accepted ... */
    readonly tightenAfterRejectedLots: number;
    /** ... within this many consecutive lots (or fewer). */
    readonly tightenWithinLots: number;
    /** 9.3.2: tightened -> normal after this many consecutive accepted lots. */
    readonly normalAfterConsecutiveAccepted: number;
    /** 9.4: inspection is discontinued when lots not accepted on tightened reach this count. */
    readonly discontinueAfterRejectedOnTightened: number;
    /** 9.3.3.1 a): normal -> reduced needs at least this switching score. */
    readonly reducedAtSwitchingScore: number;
    /** 9.3.3.2 a) 1): points when Ac >= acceptanceForTighterAqlRule and the lot passes one AQL step tighter. */
    readonly pointsWhenAcceptedAtTighterAql: number;
    /** 9.3.3.2 a) 2): points when Ac is below acceptanceForTighterAqlRule and the lot is accepted. */
    readonly pointsWhenAcceptedAtSmallAc: number;
    /** Acceptance number from which the "one step tighter AQL" rule applies (2 in the standard). */
    readonly acceptanceForTighterAqlRule: number;
  };
  /**
   * The platform is the "responsible authority" of ISO 2859-1 for its merchants' incoming
   * lots: whether it allows reduced inspection at all (9.3.3 c), and keeps allowing it (9.3.4 c).
   */
  readonly responsibleAuthority: { readonly approvesReducedInspection: boolean };
  /** Lot sizes above this are not incoming lots of one merchant x SKU but input errors. */
  readonly maxLotSize: number;
}

export const ACCEPTANCE_SAMPLING_POLICY = {
  name: 'product-quality-acceptance-sampling',
  version: '2026-11-01.1',
  inspectionLevel: 'II',
  aqlByDefectClass: { CRITICAL: 0, MAJOR: 2.5, MINOR: 4.0 },
  switching: {
    tightenAfterRejectedLots: 2,
    tightenWithinLots: 5,
    normalAfterConsecutiveAccepted: 5,
    discontinueAfterRejectedOnTightened: 5,
    reducedAtSwitchingScore: 30,
    pointsWhenAcceptedAtTighterAql: 3,
    pointsWhenAcceptedAtSmallAc: 2,
    acceptanceForTighterAqlRule: 2,
  },
  responsibleAuthority: { approvesReducedInspection: true },
  maxLotSize: 100_000_000,
} as const satisfies AcceptanceSamplingPolicy;

export const policyRefOf = (policy: AcceptanceSamplingPolicy): PolicyRef => ({ name: policy.name, version: policy.version });
