import type { CreditDeductionRow } from '@govern/content-data-access';
import {
  creatorStanding,
  deductionExpiresAt,
  standingChange,
  type ContentPolicy,
  type CreatorStanding,
  type CreditDeductionRecord,
  type Severity,
  type Tier,
} from '@govern/content-domain';
import {
  ContentTierChangedEvent,
  CreatorCreditChangedEvent,
  CreatorLinkingRestoredEvent,
  CreatorLinkingSuspendedEvent,
  CreatorPrivilegesRevokedEvent,
  CreditChangeCause,
  LinkingRestoreCause,
} from '@govern/contracts-content';
import type { Sql } from '@govern/platform-db';
import { reason, type Reason } from '@govern/policy-core';
import { capCreatorContent, insertTierChanges } from '../adapters/content-items.repository';
import { creditDeductions, lockCreator } from '../adapters/standing.repository';
import { JOB_KINDS } from '../jobs/job-kinds';
import { standingToProto, tierToProto, type PenaltySourceName } from '../mapping/enums';
import { toJson } from '../mapping/json';
import type { Work } from './work';

export type StandingCause = 'DEDUCTION' | 'EXPIRY' | 'APPEAL_OVERTURNED' | 'SUSPENSION_ENDED';

const CREDIT_CAUSE: Record<Exclude<StandingCause, 'SUSPENSION_ENDED'>, CreditChangeCause> = {
  DEDUCTION: CreditChangeCause.CREDIT_CHANGE_CAUSE_DEDUCTION,
  EXPIRY: CreditChangeCause.CREDIT_CHANGE_CAUSE_EXPIRY,
  APPEAL_OVERTURNED: CreditChangeCause.CREDIT_CHANGE_CAUSE_APPEAL_OVERTURNED,
};

const toRecord = (row: CreditDeductionRow): CreditDeductionRecord => ({
  id: row.id,
  points: row.points,
  severity: row.severity as Severity,
  at: row.deductedAt,
  overturned: row.state === 'OVERTURNED',
});

/**
 * The creator's standing at `now`, computed from every deduction (a creator never penalised has full
 * credit). Plain SQL: every assessment and every answer with a credit reads it.
 */
export const currentStanding = async (
  db: Sql,
  policy: ContentPolicy,
  now: Date,
  creatorId: string,
): Promise<{ standing: CreatorStanding; deductions: CreditDeductionRow[] }> => {
  const deductions = await creditDeductions(db, creatorId);
  return { standing: creatorStanding(deductions.map(toRecord), now, policy), deductions };
};

/**
 * Makes the announced standing of a creator (the `creators` row, what the events said) agree
 * with the standing computed from the deductions now, and publishes the difference: credit
 * changed, linking suspended (with a durable timer for its end), privileges revoked, linking
 * restored. Crossing into the traffic-limit rung caps the creator's boosted and standard items
 * at LIMITED. Called after every deduction, overturn and expiry, and when a suspension ends.
 */
export const syncCreatorStanding = async (
  work: Work,
  creatorId: string,
  cause: StandingCause,
  detail: { deductionId?: string; reasons?: Reason[] } = {},
): Promise<CreatorStanding> => {
  const { tx, now, policy: contentPolicy } = work;
  const announced = await lockCreator(work.sql, { creatorId, maxCredit: contentPolicy.credit.maxCredit, at: now });
  const { standing: after } = await currentStanding(work.sql, contentPolicy, now, creatorId);
  const announcedUntil = announced.linking_suspended_until ?? undefined;
  const before: CreatorStanding = {
    ...after,
    credit: announced.credit,
    trafficLimited: announced.traffic_limited,
    linkingSuspendedUntil: announcedUntil,
    privilegesRevoked: announced.privileges_revoked,
    linkingAllowed: !announced.privileges_revoked && announcedUntil === undefined,
  };
  const change = standingChange(before, after);
  const policy = after.policy;
  const standing = standingToProto(after.standing);
  const reasons = [...(detail.reasons ?? []), ...after.reasons];

  if (change.delta !== 0 && cause !== 'SUSPENSION_ENDED') {
    work.emit(CreatorCreditChangedEvent, {
      creatorId,
      credit: after.credit,
      delta: change.delta,
      cause: CREDIT_CAUSE[cause],
      standing,
      deductionId: detail.deductionId ?? '',
      reasons,
      policy,
    });
  }
  if (change.linkingSuspended && after.linkingSuspendedUntil) {
    work.emit(CreatorLinkingSuspendedEvent, { creatorId, until: after.linkingSuspendedUntil, credit: after.credit, reasons: after.reasons, policy });
    work.schedule({ kind: JOB_KINDS.linkingSuspensionEnd, key: `${creatorId}:${after.linkingSuspendedUntil.toISOString()}`, dueAt: after.linkingSuspendedUntil, payload: { creatorId } });
  }
  if (change.privilegesRevoked) work.emit(CreatorPrivilegesRevokedEvent, { creatorId, reasons: after.reasons, policy });
  if (change.restored) {
    work.emit(CreatorLinkingRestoredEvent, {
      creatorId,
      credit: after.credit,
      standing,
      cause: cause === 'SUSPENSION_ENDED' ? LinkingRestoreCause.LINKING_RESTORE_CAUSE_SUSPENSION_ENDED : LinkingRestoreCause.LINKING_RESTORE_CAUSE_CREDIT_RESTORED,
      reasons: [reason('CREATOR.CREDIT.LINKING_RESTORED', `Creator ${creatorId} may link products again`, { credit: String(after.credit) }), ...reasons],
      policy,
    });
  }
  if (after.trafficLimited && !before.trafficLimited) await limitCreatorContent(work, creatorId, after);

  const changed =
    change.delta !== 0 || change.linkingSuspended || change.privilegesRevoked || change.restored || after.trafficLimited !== before.trafficLimited;
  if (changed) {
    await tx.creator.update({
      where: { creatorId },
      data: {
        credit: after.credit,
        standing: after.standing,
        trafficLimited: after.trafficLimited,
        linkingSuspendedUntil: after.linkingSuspendedUntil ?? null,
        privilegesRevoked: after.privilegesRevoked,
        updatedAt: now,
      },
    });
    await tx.creatorStandingChange.create({
      data: {
        creatorId,
        cause,
        delta: change.delta,
        creditAfter: after.credit,
        standingAfter: after.standing,
        linkingSuspended: change.linkingSuspended,
        privilegesRevoked: change.privilegesRevoked,
        changedAt: now,
      },
    });
  }
  return after;
};

/**
 * A creator who reached the traffic-limit rung has their content limited: every item above the
 * cap is lowered to it at once (one statement), with a tier-changed event per item. Lifting is
 * not automatic: the next assessment of an item gives it the tier its quality earns.
 */
const limitCreatorContent = async (work: Work, creatorId: string, standing: CreatorStanding): Promise<void> => {
  const { policy, now } = work;
  const cap = policy.tiers.creatorTrafficLimitedCap;
  const weight = policy.tiers.trafficWeight[cap];
  const above: Tier[] = cap === 'LIMITED' ? ['PREMIUM', 'STANDARD'] : cap === 'STANDARD' ? ['PREMIUM'] : cap === 'BLOCKED' ? ['PREMIUM', 'STANDARD', 'LIMITED'] : [];
  const rows = await capCreatorContent(work.sql, { creatorId, tiers: above, cap, weight, at: now });
  if (rows.length === 0) return;
  await insertTierChanges(work.sql, now, 'CREATOR_CREDIT', rows.map((r) => ({ contentId: r.content_id, creatorId, fromTier: r.previous_tier, toTier: cap })));
  const why = reason('CONTENT.TIER.CREATOR_TRAFFIC_LIMITED', `Creator credit ${standing.credit} is at or below ${policy.credit.warnAtOrBelow}: content limited`, {
    creator_id: creatorId,
    credit: String(standing.credit),
  });
  for (const r of rows) {
    work.emit(ContentTierChangedEvent, {
      contentId: r.content_id,
      creatorId,
      tier: tierToProto(cap),
      trafficWeight: weight,
      previousTier: tierToProto(r.previous_tier),
      previousTrafficWeight: r.previous_weight,
      reasons: [why],
      policy: standing.policy,
    });
  }
};

/** Records a deduction and its durable expiry timer; the caller syncs the standing afterwards. */
export const recordDeduction = async (
  work: Work,
  input: { creatorId: string; penaltyId: string; severity: Severity; source: PenaltySourceName; reasons: Reason[] },
): Promise<CreditDeductionRow> => {
  const at = work.now;
  const expiresAt = deductionExpiresAt({ at }, work.policy);
  const row = await work.tx.creditDeduction.create({
    data: {
      id: work.newId(),
      creatorId: input.creatorId,
      penaltyId: input.penaltyId,
      points: work.policy.credit.points[input.severity],
      severity: input.severity,
      source: input.source,
      reasons: toJson(input.reasons),
      state: 'ACTIVE',
      deductedAt: at,
      expiresAt,
    },
  });
  work.schedule({ kind: JOB_KINDS.deductionExpiry, key: row.id, dueAt: expiresAt, payload: { creatorId: input.creatorId } });
  return row;
};
