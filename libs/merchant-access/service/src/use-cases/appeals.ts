import { MerchantAppealDecidedEvent, MerchantReinstatedEvent } from '@govern/contracts-merchant-access';
import type { AppealRow, ReviewCaseRow } from '@govern/merchant-access-data-access';
import {
  assertAppealable,
  decideReviewCase,
  openReviewCase,
  overturnViolation,
  REVIEW_POLICY,
  STATUS_SEVERITY,
  VIOLATION_POLICY,
  type MerchantStatus,
} from '@govern/merchant-access-domain';
import { failedPrecondition, notFound, reason, type Reason } from '@govern/policy-core';
import { loadStandings, type StandingView } from '../adapters/prisma-standing.repository';
import { loadMerchantHistory, lockMerchant, lockViolation, reviewCaseStateOf, violationRecordOf, type Db } from '../adapters/records';
import type { Work } from '../deps';
import { SANCTION_EXPIRY_JOB } from '../jobs/job-kinds';
import { appealStatusCodec, merchantStatusCodec, reinstatementCauseCodec, type AppealDecisionName } from '../mapping/enums';
import { toJson } from '../mapping/json';
import { reasonsToProto } from '../mapping/resources';
import { lockedReviewCase } from './review-cases';
import { recordStatusChange } from './status';

const reviewPolicyRef = { name: REVIEW_POLICY.name, version: REVIEW_POLICY.version };

export interface FileAppealCommand {
  violationId: string;
  merchantId: string;
  statement: string;
  evidenceRefs: string[];
}

/** An appeal against a violation of the merchant's, within its window, once: opens an appeal review case. */
export const fileAppeal = async (work: Work, command: FileAppealCommand): Promise<{ appeal: AppealRow; reviewCase: ReviewCaseRow }> => {
  const { tx, now } = work;
  // One appeal per violation: concurrent filings wait for each other on the violation's row.
  await lockViolation(work.sql, command.violationId);
  const violation = await tx.violation.findUnique({ where: { id: command.violationId }, include: { appeal: true } });
  if (!violation) throw notFound('VIOLATION.NOT_FOUND', `no violation ${command.violationId}`, { violation_id: command.violationId });
  if (violation.merchantId !== command.merchantId) {
    throw failedPrecondition('APPEAL.MERCHANT_MISMATCH', 'the violation was recorded against another merchant', { violation_id: violation.id, subject: violation.id });
  }
  assertAppealable(violationRecordOf(violation), now, { alreadyAppealed: violation.appeal !== null });

  const appealId = work.newId();
  const opened = openReviewCase(work.newId(), 'APPEAL', appealId, now);
  const reasons: Reason[] = [
    reason('MERCHANT.APPEAL.FILED', `appeal against ${violation.type} violation ${violation.id}`, {
      violation_id: violation.id,
      type: violation.type,
      points: String(violation.points),
    }),
  ];
  const reviewCase = await tx.reviewCase.create({
    data: {
      id: opened.id,
      kind: 'APPEAL',
      status: opened.status,
      appealId,
      merchantId: command.merchantId,
      reasons: toJson(reasons),
      openedAt: opened.openedAt,
      slaDueAt: opened.slaDueAt,
    },
  });
  const appeal = await tx.appeal.create({
    data: {
      id: appealId,
      violationId: violation.id,
      merchantId: command.merchantId,
      status: 'PENDING',
      statement: command.statement,
      evidenceRefs: [...command.evidenceRefs],
      reviewCaseId: opened.id,
      filedAt: now,
      liftedSanctionIds: [],
      reasons: toJson(reasons),
      policyName: reviewPolicyRef.name,
      policyVersion: reviewPolicyRef.version,
    },
  });
  await tx.violation.update({ where: { id: violation.id }, data: { appealId } });
  return { appeal, reviewCase };
};

export const getAppeal = async (db: Db, appealId: string): Promise<AppealRow> => {
  const row = await db.appeal.findUnique({ where: { id: appealId } });
  if (!row) throw notFound('APPEAL.NOT_FOUND', `no appeal ${appealId}`, { appeal_id: appealId });
  return row;
};

export interface DecideAppealCommand {
  appealId: string;
  reviewerId: string;
  decision: AppealDecisionName;
  note: string;
}

/**
 * The decision on an appeal, by the reviewer who claimed its case: upheld, the violation stands;
 * overturned, its points are restored, the sanctions it alone justified are lifted (their expiry
 * timers cancelled, a lifted removal's deposit given back) and MerchantReinstated tells when the
 * merchant's standing improves.
 */
export const decideAppeal = async (work: Work, command: DecideAppealCommand): Promise<{ appeal: AppealRow; standing?: StandingView | undefined }> => {
  const { tx, now } = work;
  const appeal = await tx.appeal.findUnique({ where: { id: command.appealId } });
  if (!appeal) throw notFound('APPEAL.NOT_FOUND', `no appeal ${command.appealId}`, { appeal_id: command.appealId });
  const caseRow = await lockedReviewCase(work, appeal.reviewCaseId);
  // Only the reviewer who claimed the appeal's case may decide it, once.
  const decided = decideReviewCase(reviewCaseStateOf(caseRow), command.reviewerId, now);
  await lockMerchant(work.sql, appeal.merchantId);
  const merchant = await tx.merchant.findUniqueOrThrow({ where: { id: appeal.merchantId } });

  let reasons: Reason[];
  let restoredPoints = 0;
  let liftedSanctionIds: string[] = [];
  if (command.decision === 'UPHOLD') {
    reasons = [reason('MERCHANT.APPEAL.UPHELD', `violation ${appeal.violationId} stands`, { violation_id: appeal.violationId, reviewer_id: command.reviewerId })];
  } else {
    const history = await loadMerchantHistory(tx, appeal.merchantId, now, VIOLATION_POLICY.windowMs);
    const target = await tx.violation.findUniqueOrThrow({ where: { id: appeal.violationId } });
    const violations = history.violations.some((x) => x.id === target.id) ? history.violations : [...history.violations, violationRecordOf(target)];
    const outcome = overturnViolation({ violations, sanctions: history.sanctions }, target.id, now);
    reasons = outcome.reasons;
    restoredPoints = outcome.restoredPoints;
    liftedSanctionIds = outcome.liftedSanctions.map((s) => s.id);
    await tx.violation.update({ where: { id: target.id }, data: { overturnedAt: now } });
    if (liftedSanctionIds.length > 0) {
      await tx.sanction.updateMany({ where: { id: { in: liftedSanctionIds } }, data: { liftedAt: now, liftCause: 'APPEAL_OVERTURNED' } });
      for (const id of liftedSanctionIds) work.cancel(SANCTION_EXPIRY_JOB, id);
    }
    const removalLifted = outcome.liftedSanctions.find((s) => s.kind === 'REMOVED');
    if (removalLifted) {
      // The removal is undone: the merchant is back and so is the deposit it forfeited.
      const forfeited = history.sanctionRows.find((s) => s.id === removalLifted.id)?.depositForfeitedFen ?? 0n;
      await tx.merchant.update({ where: { id: merchant.id }, data: { removedAt: null, depositForfeitedFen: merchant.depositForfeitedFen - forfeited } });
    }
    await recordStatusChange(tx, merchant.id, merchant.status as MerchantStatus, outcome.after.status);
    if (outcome.reinstated) {
      // The heaviest sanction lifted is the one whose end the merchant notices.
      const heaviest = [...outcome.liftedSanctions].sort((a, b) => STATUS_SEVERITY[b.kind] - STATUS_SEVERITY[a.kind])[0];
      work.emit(MerchantReinstatedEvent, {
        merchantId: merchant.id,
        cause: reinstatementCauseCodec.toProto('APPEAL_OVERTURNED'),
        sanctionId: heaviest?.id ?? '',
        status: merchantStatusCodec.toProto(outcome.after.status),
        activePoints: outcome.after.activePoints,
        appealId: appeal.id,
      });
    }
  }

  const status = command.decision === 'UPHOLD' ? 'UPHELD' : 'OVERTURNED';
  const appealRow = await tx.appeal.update({
    where: { id: appeal.id },
    data: { status, decidedAt: now, reviewerId: command.reviewerId, restoredPoints, liftedSanctionIds, reasons: toJson(reasons) },
  });
  await tx.reviewCase.update({
    where: { id: caseRow.id },
    data: { status: 'DECIDED', decidedAt: now, appealDecision: command.decision, note: command.note, slaBreached: decided.slaBreached },
  });
  work.emit(MerchantAppealDecidedEvent, {
    appealId: appeal.id,
    violationId: appeal.violationId,
    merchantId: appeal.merchantId,
    status: appealStatusCodec.toProto(status),
    restoredPoints,
    liftedSanctionIds,
    reasons: reasonsToProto(reasons),
  });
  const standing = (await loadStandings(tx, [appeal.merchantId], now)).get(appeal.merchantId);
  return { appeal: appealRow, standing };
};
