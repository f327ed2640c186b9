import { DAY, definePolicyVersions, MINUTE, type VersionedPolicy } from '@govern/policy-core';

export const VIOLATION_TYPES = [
  'COUNTERFEIT',
  'FRAUD',
  'BANNED_GOODS',
  'THREE_NO_LISTING',
  'CRITICAL_INSPECTION_FAILURE',
  'MAJOR_INSPECTION_FAILURE',
  'PROHIBITED_CLAIM',
  'MISSING_QUALIFICATION',
  'IP_INFRINGEMENT',
  'FAKE_SHIPMENT',
  'LATE_DISPATCH',
  'AFTER_SALE_REFUSAL',
  'OTHER',
] as const;
export type ViolationType = (typeof VIOLATION_TYPES)[number];

export type LadderSanction = 'LISTING_RESTRICTED' | 'SUSPENDED' | 'REMOVED';

export interface ViolationPolicy extends VersionedPolicy {
  readonly windowMs: number;
  readonly zeroTolerance: readonly ViolationType[];
  readonly points: Readonly<Record<ViolationType, number>>;
  readonly ladder: readonly { atLeast: number; outcome: { sanction: LadderSanction; durationMs: number | undefined } }[];
  readonly forfeitDepositOnLadderRemoval: boolean;
  /** Bounds of what a reporter may attach to a violation, and how far ahead of our clock its time may be. */
  readonly limits: {
    readonly descriptionMaxLength: number;
    readonly maxEvidenceEntries: number;
    readonly evidenceKeyMaxLength: number;
    readonly evidenceValueMaxLength: number;
    readonly referenceMaxLength: number;
    /** Reporters' clocks drift a little; a time further ahead than this is a bug, not drift. */
    readonly futureSkewMs: number;
  };
}

/**
 * Violation points: what each violation type costs, the rolling window points count in,
 * and the ladder of sanctions. Zero-tolerance types remove the merchant at once and
 * forfeit the deposit, whatever the points.
 */
export const VIOLATION_POLICY: ViolationPolicy = {
  name: 'merchant-violation-points',
  version: '2026-11-01.1',
  /** Points count for this long after the violation happened, then expire by themselves. */
  windowMs: 365 * DAY,
  zeroTolerance: ['COUNTERFEIT', 'FRAUD', 'BANNED_GOODS'],
  points: {
    COUNTERFEIT: 0,
    FRAUD: 0,
    BANNED_GOODS: 0,
    // A critical lab failure restricts listing at once on a clean record.
    CRITICAL_INSPECTION_FAILURE: 12,
    THREE_NO_LISTING: 6,
    MAJOR_INSPECTION_FAILURE: 6,
    MISSING_QUALIFICATION: 6,
    IP_INFRINGEMENT: 6,
    FAKE_SHIPMENT: 4,
    PROHIBITED_CLAIM: 3,
    AFTER_SALE_REFUSAL: 2,
    LATE_DISPATCH: 1,
    OTHER: 2,
  },
  /** Crossing a rung (upwards) imposes its sanction; the highest rung crossed applies. */
  ladder: [
    { atLeast: 12, outcome: { sanction: 'LISTING_RESTRICTED', durationMs: 7 * DAY } },
    { atLeast: 24, outcome: { sanction: 'SUSPENDED', durationMs: 14 * DAY } },
    { atLeast: 36, outcome: { sanction: 'SUSPENDED', durationMs: 30 * DAY } },
    { atLeast: 48, outcome: { sanction: 'REMOVED', durationMs: undefined } },
  ],
  /** Removal by the points ladder keeps the deposit for buyer claims but does not forfeit it. */
  forfeitDepositOnLadderRemoval: false,
  limits: {
    descriptionMaxLength: 2000,
    maxEvidenceEntries: 32,
    evidenceKeyMaxLength: 64,
    evidenceValueMaxLength: 500,
    referenceMaxLength: 200,
    futureSkewMs: 5 * MINUTE,
  },
};

/**
 * Candidate, not active: a listing restriction from 9 points instead of 12 (two repeated
 * three-no listings less a late dispatch already restrict). Run in shadow or backtested first.
 */
export const VIOLATION_POLICY_2026_12: ViolationPolicy = {
  ...VIOLATION_POLICY,
  version: '2026-12-01.1',
  ladder: [{ atLeast: 9, outcome: { sanction: 'LISTING_RESTRICTED', durationMs: 7 * DAY } }, ...VIOLATION_POLICY.ladder.slice(1)],
};

/** Every shipped version of the violation-points policy (decisions replay with the version they were taken under). */
export const VIOLATION_POLICIES = definePolicyVersions<ViolationPolicy>(
  { [VIOLATION_POLICY.version]: VIOLATION_POLICY, [VIOLATION_POLICY_2026_12.version]: VIOLATION_POLICY_2026_12 },
  VIOLATION_POLICY.version,
);
