import { failedPrecondition, reason, type PolicyRef, type Reason } from '@govern/policy-core';
import { STATUS_SEVERITY } from './merchant-status';
import { REVIEW_POLICY, type ReviewPolicy } from './policies/review.policy';
import { VIOLATION_POLICY, type ViolationPolicy } from './policies/violation.policy';
import {
  activePointsAt,
  countsAt,
  standingAt,
  type MerchantStanding,
  type SanctionRecord,
  type ViolationRecord,
} from './violation-points';

/** Last moment an appeal may be filed: the window runs from when the merchant was notified (recorded). */
export const appealDeadline = (violation: Pick<ViolationRecord, 'recordedAt'>, policy: ReviewPolicy = REVIEW_POLICY): Date =>
  new Date(violation.recordedAt.getTime() + policy.appealWindowMs);

/**
 * Checks an appeal may be filed against a violation at `at`; throws FAILED_PRECONDITION with a
 * stable code otherwise. One appeal per violation.
 */
export const assertAppealable = (
  violation: ViolationRecord,
  at: Date,
  options: { alreadyAppealed: boolean },
  policy: ReviewPolicy = REVIEW_POLICY,
): void => {
  const deadline = appealDeadline(violation, policy);
  const meta = { violation_id: violation.id, appeal_deadline: deadline.toISOString() };
  if (violation.overturnedAt) throw failedPrecondition('APPEAL.ALREADY_OVERTURNED', 'the violation is already overturned', meta);
  if (options.alreadyAppealed) throw failedPrecondition('APPEAL.ALREADY_FILED', 'an appeal was already filed for this violation', meta);
  if (at.getTime() > deadline.getTime()) {
    throw failedPrecondition('APPEAL.WINDOW_CLOSED', `appeals must be filed within ${policy.appealWindowMs / 86_400_000} days of the violation`, meta);
  }
};

export interface OverturnOutcome {
  violation: ViolationRecord;
  /** Sanctions that no longer hold, with `liftedAt`/`liftCause` set. */
  liftedSanctions: SanctionRecord[];
  /** Active points given back (0 if the violation had already expired). */
  restoredPoints: number;
  before: MerchantStanding;
  after: MerchantStanding;
  /** Whether the merchant's status improved (worth a MerchantReinstated(APPEAL_OVERTURNED) event). */
  reinstated: boolean;
  reasons: Reason[];
  policy: PolicyRef;
}

/**
 * Overturns a violation: its points stop counting, and every sanction in force (or still to
 * run) that it helped cause is lifted unless the remaining points still reached that
 * sanction's threshold when it started. A zero-tolerance removal is lifted when its trigger is
 * overturned. Winning an appeal never imposes a sanction, even where replaying the ladder
 * without the violation would have imposed a lighter one later.
 */
export const overturnViolation = (
  history: { violations: readonly ViolationRecord[]; sanctions: readonly SanctionRecord[] },
  violationId: string,
  at: Date,
  policy: ViolationPolicy = VIOLATION_POLICY,
): OverturnOutcome => {
  const target = history.violations.find((v) => v.id === violationId);
  if (!target) throw failedPrecondition('APPEAL.VIOLATION_UNKNOWN', 'no such violation for this merchant', { violation_id: violationId });
  if (target.overturnedAt) throw failedPrecondition('APPEAL.ALREADY_OVERTURNED', 'the violation is already overturned', { violation_id: violationId });

  const before = standingAt(history.violations, history.sanctions, at, policy);
  const overturned: ViolationRecord = { ...target, overturnedAt: at };
  const violations = history.violations.map((v) => (v.id === violationId ? overturned : v));
  // Judged as if the overturned violation had never counted: the sanction's own start is the moment that matters.
  const withoutIt = violations.map((v) => (v.overturnedAt ? { ...v, overturnedAt: new Date(0) } : v));

  const lifted: SanctionRecord[] = [];
  const sanctions = history.sanctions.map((s) => {
    const stillRuns = !s.liftedAt && (!s.endsAt || s.endsAt.getTime() > at.getTime());
    if (!stillRuns || !s.violationIds.includes(violationId)) return s;
    const justified = s.zeroTolerance
      ? s.triggerViolationId !== violationId
      : activePointsAt(withoutIt, s.startsAt, policy) >= s.threshold;
    if (justified) return s;
    const liftedSanction: SanctionRecord = { ...s, liftedAt: at, liftCause: 'APPEAL_OVERTURNED' };
    lifted.push(liftedSanction);
    return liftedSanction;
  });

  const after = standingAt(violations, sanctions, at, policy);
  const restoredPoints = countsAt(target, at, policy) ? target.points : 0;
  const reasons: Reason[] = [
    reason('MERCHANT.APPEAL.OVERTURNED', `violation ${violationId} overturned: ${restoredPoints} points restored`, {
      violation_id: violationId,
      restored_points: String(restoredPoints),
      active_points: String(after.activePoints),
    }),
    ...lifted.map((s) =>
      reason('MERCHANT.SANCTION.LIFTED', `${s.kind} ${s.id} lifted: its cause was overturned`, { sanction_id: s.id, kind: s.kind }),
    ),
  ];
  return {
    violation: overturned,
    liftedSanctions: lifted,
    restoredPoints,
    before,
    after,
    reinstated: STATUS_SEVERITY[after.status] < STATUS_SEVERITY[before.status],
    reasons,
    policy: { name: policy.name, version: policy.version },
  };
};
