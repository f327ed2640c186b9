import { DAY, reason, type PolicyRef, type Reason } from '@govern/policy-core';
import type { Severity } from './content-types';
import { CONTENT_POLICY, policyRef, type ContentPolicy } from './content.policy';

/** One deduction from a creator's credit, as stored. */
export interface CreditDeductionRecord {
  id: string;
  points: number;
  severity: Severity;
  at: Date;
  /** Set when an appeal overturned it: it never counted. */
  overturned?: boolean;
}

export type CreatorStandingLevel = 'GOOD' | 'WARNED' | 'LINKING_SUSPENDED' | 'PRIVILEGES_REVOKED';

/** A creator's credit and what it allows, at one moment. */
export interface CreatorStanding {
  credit: number;
  maxCredit: number;
  standing: CreatorStandingLevel;
  /** Credit at or below the warning rung: the creator's content is traffic limited. */
  trafficLimited: boolean;
  linkingAllowed: boolean;
  linkingSuspendedUntil: Date | undefined;
  privilegesRevoked: boolean;
  /** Deductions in force at that moment, oldest first. */
  activeDeductions: CreditDeductionRecord[];
  /** When the next deduction in force lapses and its points return. */
  nextRestoreAt: Date | undefined;
  reasons: Reason[];
  policy: PolicyRef;
}

export const deductionPoints = (severity: Severity, policy: ContentPolicy = CONTENT_POLICY): number => policy.credit.points[severity];

export const deductionExpiresAt = (deduction: Pick<CreditDeductionRecord, 'at'>, policy: ContentPolicy = CONTENT_POLICY): Date =>
  new Date(deduction.at.getTime() + policy.credit.deductionLifetimeDays * DAY);

/**
 * The creator's standing at `at` from every deduction ever made (any order).
 * Credit = max − points of deductions in force (made at or before `at`, not expired, not overturned).
 * Product linking is suspended for N days from a deduction that left the credit at or below the
 * suspension rung, and only while the credit is still there (an expiry or overturn lifts it).
 */
export const creatorStanding = (
  deductions: readonly CreditDeductionRecord[],
  at: Date,
  policy: ContentPolicy = CONTENT_POLICY,
): CreatorStanding => {
  const { credit: rules } = policy;
  const now = at.getTime();
  const lifetime = rules.deductionLifetimeDays * DAY;
  const counted = deductions.filter((d) => !d.overturned && d.at.getTime() <= now).sort((a, b) => a.at.getTime() - b.at.getTime());
  const active = counted.filter((d) => d.at.getTime() + lifetime > now);
  const credit = Math.max(0, rules.maxCredit - active.reduce((sum, d) => sum + d.points, 0));

  // Credit right after each deduction, with a two-pointer window over the sorted list: O(n).
  let suspendedUntil: number | undefined;
  let windowSum = 0;
  let tail = 0;
  for (let i = 0; i < counted.length; i++) {
    const d = counted[i] as CreditDeductionRecord;
    const t = d.at.getTime();
    windowSum += d.points;
    while (tail < i && (counted[tail] as CreditDeductionRecord).at.getTime() + lifetime <= t) {
      windowSum -= (counted[tail] as CreditDeductionRecord).points;
      tail++;
    }
    const creditAfter = Math.max(0, rules.maxCredit - windowSum);
    const until = t + rules.linkingSuspensionDays * DAY;
    if (creditAfter <= rules.suspendLinkingAtOrBelow && until > now) suspendedUntil = Math.max(suspendedUntil ?? 0, until);
  }
  const privilegesRevoked = credit <= rules.revokeAtOrBelow;
  const linkingSuspended = !privilegesRevoked && suspendedUntil !== undefined && credit <= rules.suspendLinkingAtOrBelow;
  const trafficLimited = credit <= rules.warnAtOrBelow;

  const evidence = { credit: String(credit), max_credit: String(rules.maxCredit) };
  const reasons: Reason[] = [];
  let standing: CreatorStandingLevel = 'GOOD';
  if (privilegesRevoked) {
    standing = 'PRIVILEGES_REVOKED';
    reasons.push(reason('CREATOR.CREDIT.PRIVILEGES_REVOKED', `Credit ${credit}: e-commerce privileges revoked`, evidence));
  } else if (linkingSuspended) {
    standing = 'LINKING_SUSPENDED';
    reasons.push(
      reason('CREATOR.CREDIT.LINKING_SUSPENDED', `Credit ${credit} is at or below ${rules.suspendLinkingAtOrBelow}: product linking suspended`, {
        ...evidence,
        until: new Date(suspendedUntil as number).toISOString(),
      }),
    );
  } else if (trafficLimited) {
    standing = 'WARNED';
  }
  if (trafficLimited && !privilegesRevoked) {
    reasons.push(reason('CREATOR.CREDIT.TRAFFIC_LIMITED', `Credit ${credit} is at or below ${rules.warnAtOrBelow}: warned and traffic limited`, evidence));
  }
  const nextRestore = active.length > 0 ? Math.min(...active.map((d) => d.at.getTime() + lifetime)) : undefined;

  return {
    credit,
    maxCredit: rules.maxCredit,
    standing,
    trafficLimited,
    linkingAllowed: !privilegesRevoked && !linkingSuspended,
    linkingSuspendedUntil: linkingSuspended ? new Date(suspendedUntil as number) : undefined,
    privilegesRevoked,
    activeDeductions: active,
    nextRestoreAt: nextRestore === undefined ? undefined : new Date(nextRestore),
    reasons,
    policy: policyRef(policy),
  };
};

/** What changed between two standings of one creator: drives the credit events. */
export interface StandingChange {
  /** Credit after minus before (negative for a deduction). */
  delta: number;
  /** Linking became suspended (or its suspension was extended to a later date). */
  linkingSuspended: boolean;
  privilegesRevoked: boolean;
  /** Linking was suspended or privileges revoked before and no longer are. */
  restored: boolean;
}

export const standingChange = (before: CreatorStanding, after: CreatorStanding): StandingChange => ({
  delta: after.credit - before.credit,
  linkingSuspended:
    after.linkingSuspendedUntil !== undefined &&
    (before.linkingSuspendedUntil === undefined || after.linkingSuspendedUntil.getTime() > before.linkingSuspendedUntil.getTime()),
  privilegesRevoked: after.privilegesRevoked && !before.privilegesRevoked,
  restored: (!before.linkingAllowed && after.linkingAllowed) || (before.privilegesRevoked && !after.privilegesRevoked),
});
