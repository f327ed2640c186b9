import type { ContentTx, CreditDeductionRow } from '@govern/content-data-access';
import {
  creatorStanding,
  deductionExpiresAt,
  standingChange,
  type CreatorStanding,
  type CreditDeductionRecord,
  type Severity,
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
import { scheduleJobs } from '@govern/platform-db';
import { reason, type Reason } from '@govern/policy-core';
import type { ContentDeps } from '../deps';
import type { EventBatch } from '../events/event-batch';
import { JOB_KINDS } from '../jobs/job-kinds';
import { standingToProto, tierToProto, type PenaltySourceName } from '../mapping/enums';
import { toJson } from '../mapping/json';
import { insertTierChanges } from './tier-history';

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

export const loadDeductions = (tx: ContentTx, creatorId: string): Promise<CreditDeductionRow[]> =>
  tx.creditDeduction.findMany({ where: { creatorId }, orderBy: [{ deductedAt: 'asc' }, { id: 'asc' }] });

/** The creator's standing now, computed from every deduction (a creator never penalised has full credit). */
export const currentStanding = async (tx: ContentTx, deps: ContentDeps, creatorId: string): Promise<{ standing: CreatorStanding; deductions: CreditDeductionRow[] }> => {
  const deductions = await loadDeductions(tx, creatorId);
  return { standing: creatorStanding(deductions.map(toRecord), deps.clock.now(), deps.policy), deductions };
};

interface AnnouncedStanding {
  credit: number;
  traffic_limited: boolean;
  linking_suspended_until: Date | null;
  privileges_revoked: boolean;
}

/** Locks the creator's row (made on first use), so changes to one creator's credit serialise across calls and replicas. */
const lockCreator = async (tx: ContentTx, deps: ContentDeps, creatorId: string): Promise<AnnouncedStanding> => {
  // An upsert that touches the row locks it and returns what was last announced, in one round trip.
  const rows = await tx.$queryRawUnsafe<AnnouncedStanding[]>(
    `INSERT INTO creators (creator_id, credit, standing, traffic_limited, privileges_revoked, updated_at)
     VALUES ($1, $2, 'GOOD', false, false, $3)
     ON CONFLICT (creator_id) DO UPDATE SET creator_id = EXCLUDED.creator_id
     RETURNING credit, traffic_limited, linking_suspended_until, privileges_revoked`,
    creatorId,
    deps.policy.credit.maxCredit,
    deps.clock.now(),
  );
  return rows[0] as AnnouncedStanding;
};

/**
 * Makes the announced standing of a creator (the `creators` row, what the events said) agree
 * with the standing computed from the deductions now, and publishes the difference: credit
 * changed, linking suspended (with a durable timer for its end), privileges revoked, linking
 * restored. Crossing into the traffic-limit rung caps the creator's boosted and standard items
 * at LIMITED. Called after every deduction, overturn and expiry, and when a suspension ends.
 */
export const syncCreatorStanding = async (
  tx: ContentTx,
  deps: ContentDeps,
  events: EventBatch,
  creatorId: string,
  cause: StandingCause,
  detail: { deductionId?: string; reasons?: Reason[] } = {},
): Promise<CreatorStanding> => {
  const now = deps.clock.now();
  const announced = await lockCreator(tx, deps, creatorId);
  const { standing: after } = await currentStanding(tx, deps, creatorId);
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
    events.add(CreatorCreditChangedEvent, {
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
    events.add(CreatorLinkingSuspendedEvent, { creatorId, until: after.linkingSuspendedUntil, credit: after.credit, reasons: after.reasons, policy });
    await scheduleJobs(tx, [
      { kind: JOB_KINDS.linkingSuspensionEnd, key: `${creatorId}:${after.linkingSuspendedUntil.toISOString()}`, dueAt: after.linkingSuspendedUntil, payload: { creatorId } },
    ]);
  }
  if (change.privilegesRevoked) events.add(CreatorPrivilegesRevokedEvent, { creatorId, reasons: after.reasons, policy });
  if (change.restored) {
    events.add(CreatorLinkingRestoredEvent, {
      creatorId,
      credit: after.credit,
      standing,
      cause: cause === 'SUSPENSION_ENDED' ? LinkingRestoreCause.LINKING_RESTORE_CAUSE_SUSPENSION_ENDED : LinkingRestoreCause.LINKING_RESTORE_CAUSE_CREDIT_RESTORED,
      reasons: [reason('CREATOR.CREDIT.LINKING_RESTORED', `Creator ${creatorId} may link products again`, { credit: String(after.credit) }), ...reasons],
      policy,
    });
  }
  if (after.trafficLimited && !before.trafficLimited) await limitCreatorContent(tx, deps, events, creatorId, after);

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
const limitCreatorContent = async (tx: ContentTx, deps: ContentDeps, events: EventBatch, creatorId: string, standing: CreatorStanding): Promise<void> => {
  const cap = deps.policy.tiers.creatorTrafficLimitedCap;
  const weight = deps.policy.tiers.trafficWeight[cap];
  const now = deps.clock.now();
  const above = cap === 'LIMITED' ? ['PREMIUM', 'STANDARD'] : cap === 'STANDARD' ? ['PREMIUM'] : cap === 'BLOCKED' ? ['PREMIUM', 'STANDARD', 'LIMITED'] : [];
  const rows = await tx.$queryRawUnsafe<{ content_id: string; previous_tier: string; previous_weight: number }[]>(
    `WITH capped AS (
       SELECT content_id, tier, traffic_weight FROM content_items WHERE creator_id = $1 AND tier = ANY($2::text[]) FOR UPDATE
     )
     UPDATE content_items c SET tier = $3, traffic_weight = $4, updated_at = $5
       FROM capped WHERE c.content_id = capped.content_id
     RETURNING c.content_id, capped.tier AS previous_tier, capped.traffic_weight AS previous_weight`,
    creatorId,
    above,
    cap,
    weight,
    now,
  );
  if (rows.length === 0) return;
  await insertTierChanges(tx, now, 'CREATOR_CREDIT', rows.map((r) => ({ contentId: r.content_id, creatorId, fromTier: r.previous_tier, toTier: cap })));
  const why = reason('CONTENT.TIER.CREATOR_TRAFFIC_LIMITED', `Creator credit ${standing.credit} is at or below ${deps.policy.credit.warnAtOrBelow}: content limited`, {
    creator_id: creatorId,
    credit: String(standing.credit),
  });
  for (const r of rows) {
    events.add(ContentTierChangedEvent, {
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
  tx: ContentTx,
  deps: ContentDeps,
  input: { creatorId: string; penaltyId: string; severity: Severity; source: PenaltySourceName; reasons: Reason[] },
): Promise<CreditDeductionRow> => {
  const at = deps.clock.now();
  const expiresAt = deductionExpiresAt({ at }, deps.policy);
  const row = await tx.creditDeduction.create({
    data: {
      id: deps.ids.next(),
      creatorId: input.creatorId,
      penaltyId: input.penaltyId,
      points: deps.policy.credit.points[input.severity],
      severity: input.severity,
      source: input.source,
      reasons: toJson(input.reasons),
      state: 'ACTIVE',
      deductedAt: at,
      expiresAt,
    },
  });
  await scheduleJobs(tx, [{ kind: JOB_KINDS.deductionExpiry, key: row.id, dueAt: expiresAt, payload: { creatorId: input.creatorId } }]);
  return row;
};
