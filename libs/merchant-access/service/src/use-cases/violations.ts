import { MerchantRemovedEvent, MerchantSanctionedEvent, MerchantViolationRecordedEvent } from '@govern/contracts-merchant-access';
import type { Prisma, SanctionRow, ViolationRow } from '@govern/merchant-access-data-access';
import { appealDeadline, violationExpiresAt, VIOLATION_POLICIES, type MerchantStatus, type ViolationType } from '@govern/merchant-access-domain';
import { keysetAfter } from '@govern/platform-db';
import { keysetPage, timeIdPageToken, type KeysetPage } from '@govern/platform-grpc';
import type { PolicyRef, Reason } from '@govern/policy-core';
import { loadStandings, type StandingView } from '../adapters/prisma-standing.repository';
import { loadMerchantHistory, lockMerchant, type Db } from '../adapters/records';
import { violationPointsDecisions, type ViolationPointsFacts } from '../decisions/violation-points.decision-kind';
import { recordWorkDecision } from '../decisions/decision-log';
import type { MerchantAccessDeps, Work } from '../deps';
import { SANCTION_EXPIRY_JOB } from '../jobs/job-kinds';
import { sanctionKindCodec, violationTypeCodec, type ViolationSourceName, type ViolationStatusName } from '../mapping/enums';
import { toJson } from '../mapping/json';
import { policyToProto, reasonsToProto } from '../mapping/resources';
import { requireMerchant } from './merchants';
import { recordStatusChange } from './status';

/** A violation to record, from RecordViolation or from a consumed event. */
export interface RecordViolationCommand {
  merchantId: string;
  type: ViolationType;
  occurredAt: Date;
  source: ViolationSourceName;
  sourceRef: string;
  productId: string;
  description: string;
  evidence: Record<string, string>;
}

export interface ViolationRecorded {
  violation: ViolationRow;
  standing?: StandingView | undefined;
  sanction?: SanctionRow | undefined;
  removed: boolean;
  depositForfeitedFen: bigint;
  reasons: Reason[];
  policy: PolicyRef;
}

/**
 * Records a violation in the unit's transaction: the merchant's row is locked first, so
 * concurrent violations of one merchant climb the ladder one at a time and removal (with its
 * MerchantRemoved) happens once. Used by RecordViolation and by the event consumers.
 */
export const recordViolation = async (work: Work, deps: Pick<MerchantAccessDeps, 'decisions'>, command: RecordViolationCommand, requestId?: string): Promise<ViolationRecorded> => {
  const { tx, now: at } = work;
  // The window read and the expiry stored follow the active version (the facts recorded are what it read).
  const policy = VIOLATION_POLICIES.active;
  await lockMerchant(work.sql, command.merchantId);
  const merchant = await requireMerchant(tx, command.merchantId);
  // Reporters' clocks may run a little ahead (the request checks bounded it): such a time means now.
  const occurredAt = command.occurredAt.getTime() > at.getTime() ? at : command.occurredAt;
  const history = await loadMerchantHistory(tx, command.merchantId, at, policy.windowMs);
  const violationId = work.newId();
  const facts: ViolationPointsFacts = {
    merchantId: command.merchantId,
    violations: history.violations,
    sanctions: history.sanctions,
    depositFen: merchant.depositFen - merchant.depositForfeitedFen,
    violation: { id: violationId, type: command.type, occurredAt, recordedAt: at },
    sanctionId: work.newId(),
  };
  // The outcome acted on is exactly the one recorded (a shadow candidate's is recorded beside it, never acted on).
  const evaluation = await deps.decisions.evaluateWithShadow(violationPointsDecisions, facts);
  const outcome = evaluation.outcome;
  await recordWorkDecision(deps.decisions, work, { evaluation, decisionId: violationId, requestId });

  const violation = await tx.violation.create({
    data: {
      id: violationId,
      merchantId: command.merchantId,
      type: command.type,
      points: outcome.violation.points,
      zeroTolerance: outcome.violation.zeroTolerance,
      occurredAt,
      recordedAt: at,
      expiresAt: violationExpiresAt(outcome.violation, policy),
      appealDeadline: appealDeadline(outcome.violation),
      source: command.source,
      sourceRef: command.sourceRef,
      productId: command.productId,
      description: command.description,
      evidence: toJson(command.evidence),
      reasons: toJson(outcome.reasons),
      policyName: outcome.policy.name,
      policyVersion: outcome.policy.version,
    },
  });

  const sanction = outcome.sanction;
  const sanctionRow = sanction
    ? await tx.sanction.create({
        data: {
          id: sanction.id,
          merchantId: command.merchantId,
          kind: sanction.kind,
          startsAt: sanction.startsAt,
          endsAt: sanction.endsAt ?? null,
          triggerPoints: sanction.triggerPoints,
          threshold: sanction.threshold,
          zeroTolerance: sanction.zeroTolerance,
          triggerViolationId: sanction.triggerViolationId,
          violationIds: [...sanction.violationIds],
          depositForfeitedFen: outcome.depositForfeitedFen,
          reasons: toJson(outcome.reasons),
          policyName: outcome.policy.name,
          policyVersion: outcome.policy.version,
        },
      })
    : undefined;
  if (sanction?.endsAt) work.schedule({ kind: SANCTION_EXPIRY_JOB, key: sanction.id, dueAt: sanction.endsAt, payload: { merchant_id: command.merchantId } });

  if (outcome.removed) {
    await tx.merchant.update({
      where: { id: command.merchantId },
      data: { removedAt: at, depositForfeitedFen: merchant.depositForfeitedFen + outcome.depositForfeitedFen },
    });
  }
  await recordStatusChange(tx, command.merchantId, merchant.status as MerchantStatus, outcome.standing.status);

  const reasons = reasonsToProto(outcome.reasons);
  work.emit(MerchantViolationRecordedEvent, {
    violationId,
    merchantId: command.merchantId,
    type: violationTypeCodec.toProto(command.type),
    points: outcome.violation.points,
    zeroTolerance: outcome.violation.zeroTolerance,
    activePoints: outcome.standing.activePoints,
    productId: command.productId,
    policy: policyToProto(outcome.policy),
  });
  if (sanction && sanction.kind !== 'REMOVED') {
    work.emit(MerchantSanctionedEvent, {
      merchantId: command.merchantId,
      sanctionId: sanction.id,
      kind: sanctionKindCodec.toProto(sanction.kind),
      startsAt: sanction.startsAt,
      endsAt: sanction.endsAt,
      activePoints: outcome.standing.activePoints,
      reasons,
      policy: policyToProto(outcome.policy),
    });
  }
  if (sanction && outcome.removed) {
    work.emit(MerchantRemovedEvent, {
      merchantId: command.merchantId,
      zeroTolerance: sanction.zeroTolerance,
      depositForfeited: outcome.depositForfeitedFen > 0n,
      depositForfeitedFen: outcome.depositForfeitedFen,
      reasons,
      policy: policyToProto(outcome.policy),
      sanctionId: sanction.id,
    });
  }

  const standing = (await loadStandings(tx, [command.merchantId], at, policy)).get(command.merchantId);
  return {
    violation,
    standing,
    sanction: sanctionRow,
    removed: outcome.removed,
    depositForfeitedFen: outcome.depositForfeitedFen,
    reasons: outcome.reasons,
    policy: outcome.policy,
  };
};

export interface ListViolationsQuery {
  merchantId: string;
  pageSize: number;
  /** The (occurred_at, id) of the last violation of the previous page. */
  before?: [Date, string] | undefined;
  status?: ViolationStatusName | undefined;
  at: Date;
}

/** A merchant's violations, newest first; NOT_FOUND for an unknown merchant. */
export const listViolations = async (db: Db, query: ListViolationsQuery): Promise<KeysetPage<ViolationRow>> => {
  await requireMerchant(db, query.merchantId);
  const { at, status } = query;
  const byStatus: Prisma.ViolationWhereInput =
    status === 'OVERTURNED'
      ? { overturnedAt: { lte: at } }
      : status === 'EXPIRED'
        ? { expiresAt: { lte: at }, OR: [{ overturnedAt: null }, { overturnedAt: { gt: at } }] }
        : status === 'ACTIVE'
          ? { expiresAt: { gt: at }, OR: [{ overturnedAt: null }, { overturnedAt: { gt: at } }] }
          : {};
  const rows = await db.violation.findMany({
    where: {
      merchantId: query.merchantId,
      ...byStatus,
      ...keysetAfter({ time: 'occurredAt', id: 'id', direction: 'newestFirst' }, query.before),
    },
    orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    take: query.pageSize + 1,
  });
  return keysetPage(rows, query.pageSize, timeIdPageToken, (last) => [last.occurredAt, last.id]);
};
