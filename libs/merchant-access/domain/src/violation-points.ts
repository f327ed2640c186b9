import { climbLadder, DomainError, reason, type PolicyRef, type Reason } from '@govern/policy-core';
import { STATUS_SEVERITY, type MerchantStatus } from './merchant-status';
import { VIOLATION_POLICY, type LadderSanction, type ViolationPolicy, type ViolationType } from './policies/violation.policy';

/** A violation as recorded. Points never change after recording; an overturn sets `overturnedAt`. */
export interface ViolationRecord {
  id: string;
  type: ViolationType;
  points: number;
  zeroTolerance: boolean;
  /** When it happened: its points count from here for the policy window. */
  occurredAt: Date;
  /** When it was recorded (the merchant is notified then). */
  recordedAt: Date;
  overturnedAt?: Date | undefined;
}

export type SanctionKind = LadderSanction;

export interface SanctionRecord {
  id: string;
  kind: SanctionKind;
  startsAt: Date;
  /** Exclusive end; undefined for removal. */
  endsAt?: Date | undefined;
  /** Active points when imposed (0 for a zero-tolerance removal). */
  triggerPoints: number;
  /** The rung's threshold: while the active points at `startsAt` stay at or above it, the sanction is justified. */
  threshold: number;
  zeroTolerance: boolean;
  /** The violation that triggered it and every violation counted at that moment. */
  triggerViolationId: string;
  violationIds: readonly string[];
  liftedAt?: Date | undefined;
  liftCause?: 'APPEAL_OVERTURNED' | undefined;
}

export interface MerchantStanding {
  status: MerchantStatus;
  canList: boolean;
  canSell: boolean;
  activeSanction?: SanctionRecord | undefined;
  activePoints: number;
  /** When the next counted violation expires, if any. */
  nextPointsExpiryAt?: Date | undefined;
  evaluatedAt: Date;
  policy: PolicyRef;
}

const policyRef = (policy: ViolationPolicy): PolicyRef => ({ name: policy.name, version: policy.version });

export const violationExpiresAt = (violation: Pick<ViolationRecord, 'occurredAt'>, policy: ViolationPolicy = VIOLATION_POLICY): Date =>
  new Date(violation.occurredAt.getTime() + policy.windowMs);

/** Whether a violation's points count at `at`: happened, not yet expired, not overturned. */
export const countsAt = (violation: ViolationRecord, at: Date, policy: ViolationPolicy = VIOLATION_POLICY): boolean => {
  const t = at.getTime();
  const start = violation.occurredAt.getTime();
  if (t < start || t >= start + policy.windowMs) return false;
  return !(violation.overturnedAt && violation.overturnedAt.getTime() <= t);
};

/** Points inside the rolling window at `at`. Expired points drop out by themselves. */
export const activePointsAt = (violations: readonly ViolationRecord[], at: Date, policy: ViolationPolicy = VIOLATION_POLICY): number =>
  violations.reduce((sum, v) => (countsAt(v, at, policy) ? sum + v.points : sum), 0);

/** Whether a sanction is in force at `at`: started, not ended (sanctions end by themselves), not lifted. */
export const sanctionActiveAt = (sanction: SanctionRecord, at: Date): boolean => {
  const t = at.getTime();
  if (t < sanction.startsAt.getTime()) return false;
  if (sanction.endsAt && t >= sanction.endsAt.getTime()) return false;
  return !(sanction.liftedAt && sanction.liftedAt.getTime() <= t);
};

/** The merchant's standing at `at`, from its violations and sanctions alone. */
export const standingAt = (
  violations: readonly ViolationRecord[],
  sanctions: readonly SanctionRecord[],
  at: Date,
  policy: ViolationPolicy = VIOLATION_POLICY,
): MerchantStanding => {
  let active: SanctionRecord | undefined;
  for (const s of sanctions) {
    if (!sanctionActiveAt(s, at)) continue;
    // The most severe sanction wins; between equals, the one that runs longest.
    if (
      !active ||
      STATUS_SEVERITY[s.kind] > STATUS_SEVERITY[active.kind] ||
      (s.kind === active.kind && (s.endsAt?.getTime() ?? Infinity) > (active.endsAt?.getTime() ?? Infinity))
    ) {
      active = s;
    }
  }
  const status: MerchantStatus = active ? active.kind : 'ACTIVE';
  let nextExpiry: number | undefined;
  for (const v of violations) {
    if (!countsAt(v, at, policy) || v.points === 0) continue;
    const expires = violationExpiresAt(v, policy).getTime();
    if (nextExpiry === undefined || expires < nextExpiry) nextExpiry = expires;
  }
  return {
    status,
    canList: status === 'ACTIVE',
    canSell: status === 'ACTIVE' || status === 'LISTING_RESTRICTED',
    activeSanction: active,
    activePoints: activePointsAt(violations, at, policy),
    nextPointsExpiryAt: nextExpiry === undefined ? undefined : new Date(nextExpiry),
    evaluatedAt: at,
    policy: policyRef(policy),
  };
};

export interface NewViolation {
  id: string;
  type: ViolationType;
  occurredAt: Date;
  recordedAt: Date;
}

export interface ViolationOutcome {
  violation: ViolationRecord;
  /** The sanction this violation imposed, if it crossed a rung or is zero-tolerance. */
  sanction?: SanctionRecord | undefined;
  removed: boolean;
  /** Deposit forfeited (zero tolerance), in fen; 0n otherwise. */
  depositForfeitedFen: bigint;
  standing: MerchantStanding;
  reasons: Reason[];
  policy: PolicyRef;
}

/**
 * Records a violation: it adds its points; crossing a rung of the ladder upwards imposes that
 * rung's sanction (the highest rung crossed when one violation crosses several); a
 * zero-tolerance type removes the merchant at once and forfeits the deposit. Staying on a rung
 * imposes nothing new; falling below it (points expire) and climbing back imposes it again.
 */
export const recordViolation = (
  history: { violations: readonly ViolationRecord[]; sanctions: readonly SanctionRecord[]; depositFen: bigint },
  input: NewViolation,
  sanctionId: string,
  policy: ViolationPolicy = VIOLATION_POLICY,
): ViolationOutcome => {
  if (input.occurredAt.getTime() > input.recordedAt.getTime()) {
    throw new DomainError('INVALID_ARGUMENT', 'VIOLATION.OCCURRED_IN_FUTURE', 'a violation cannot happen after it is recorded', {
      field: 'occurred_at',
    });
  }
  const at = input.recordedAt;
  const zeroTolerance = policy.zeroTolerance.includes(input.type);
  const violation: ViolationRecord = {
    id: input.id,
    type: input.type,
    points: zeroTolerance ? 0 : policy.points[input.type],
    zeroTolerance,
    occurredAt: input.occurredAt,
    recordedAt: input.recordedAt,
  };
  const before = standingAt(history.violations, history.sanctions, at, policy);
  const violations = [...history.violations, violation];
  const pointsAfter = activePointsAt(violations, at, policy);
  const reasons: Reason[] = [
    reason('MERCHANT.VIOLATION.RECORDED', `${input.type} recorded: ${violation.points} points, ${pointsAfter} active`, {
      violation_id: input.id,
      type: input.type,
      points: String(violation.points),
      active_points: String(pointsAfter),
    }, violation.points),
  ];
  const outcome = (sanction: SanctionRecord | undefined, depositForfeitedFen: bigint): ViolationOutcome => ({
    violation,
    sanction,
    removed: sanction?.kind === 'REMOVED',
    depositForfeitedFen,
    standing: standingAt(violations, sanction ? [...history.sanctions, sanction] : history.sanctions, at, policy),
    reasons,
    policy: policyRef(policy),
  });

  if (before.status === 'REMOVED') {
    reasons.push(reason('MERCHANT.ALREADY_REMOVED', 'the merchant is already removed; the violation is kept on record'));
    return outcome(undefined, 0n);
  }

  const counted = violations.filter((v) => countsAt(v, at, policy)).map((v) => v.id);
  if (zeroTolerance) {
    reasons.push(
      reason('MERCHANT.VIOLATION.ZERO_TOLERANCE', `${input.type} is zero-tolerance: the merchant is removed and the deposit forfeited`, {
        type: input.type,
        deposit_forfeited_fen: String(history.depositFen),
      }),
    );
    const removal: SanctionRecord = {
      id: sanctionId,
      kind: 'REMOVED',
      startsAt: at,
      triggerPoints: pointsAfter,
      threshold: 0,
      zeroTolerance: true,
      triggerViolationId: input.id,
      violationIds: counted,
    };
    return outcome(removal, history.depositFen);
  }

  const rungBefore = climbLadder(policy.ladder, before.activePoints);
  const rungAfter = climbLadder(policy.ladder, pointsAfter);
  if (!rungAfter || (rungBefore && rungAfter.atLeast <= rungBefore.atLeast)) return outcome(undefined, 0n);

  const { sanction: kind, durationMs } = rungAfter.outcome;
  const sanction: SanctionRecord = {
    id: sanctionId,
    kind,
    startsAt: at,
    endsAt: durationMs === undefined ? undefined : new Date(at.getTime() + durationMs),
    triggerPoints: pointsAfter,
    threshold: rungAfter.atLeast,
    zeroTolerance: false,
    triggerViolationId: input.id,
    violationIds: counted,
  };
  const days = durationMs === undefined ? undefined : Math.round(durationMs / 86_400_000);
  reasons.push(
    reason(
      `MERCHANT.SANCTION.${kind}`,
      kind === 'REMOVED'
        ? `${pointsAfter} active points reach ${rungAfter.atLeast}: the merchant is removed`
        : `${pointsAfter} active points reach ${rungAfter.atLeast}: ${kind.toLowerCase().replace('_', ' ')} for ${days} days`,
      { active_points: String(pointsAfter), threshold: String(rungAfter.atLeast), ...(days === undefined ? {} : { days: String(days) }) },
    ),
  );
  const forfeit = kind === 'REMOVED' && policy.forfeitDepositOnLadderRemoval ? history.depositFen : 0n;
  return outcome(sanction, forfeit);
};

export interface SanctionEnding {
  sanction: SanctionRecord;
  endedAt: Date;
  /** Status right after it ended: ACTIVE, or a sanction still in force. */
  statusAfter: MerchantStatus;
  /** Whether the merchant's status actually improved (worth a MerchantReinstated event). */
  reinstated: boolean;
}

/**
 * Sanctions that ended by themselves in (from, to]: what a scheduler turns into
 * MerchantReinstated(EXPIRED) events. Lifted sanctions are not listed (the appeal reported them).
 */
export const sanctionsEndedBetween = (
  violations: readonly ViolationRecord[],
  sanctions: readonly SanctionRecord[],
  from: Date,
  to: Date,
  policy: ViolationPolicy = VIOLATION_POLICY,
): SanctionEnding[] =>
  sanctions
    .filter((s) => s.endsAt && s.endsAt.getTime() > from.getTime() && s.endsAt.getTime() <= to.getTime())
    .filter((s) => !(s.liftedAt && s.endsAt && s.liftedAt.getTime() <= s.endsAt.getTime()))
    .sort((a, b) => (a.endsAt as Date).getTime() - (b.endsAt as Date).getTime())
    .map((s) => {
      const endedAt = s.endsAt as Date;
      const statusBefore = standingAt(violations, sanctions, new Date(endedAt.getTime() - 1), policy).status;
      const statusAfter = standingAt(violations, sanctions, endedAt, policy).status;
      return { sanction: s, endedAt, statusAfter, reinstated: STATUS_SEVERITY[statusAfter] < STATUS_SEVERITY[statusBefore] };
    });
