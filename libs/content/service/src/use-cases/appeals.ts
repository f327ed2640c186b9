import type { AppealRow, PenaltyRow } from '@govern/content-data-access';
import { assertAppealable, assertDecidable, planOverturn, policyRef, type AppealOutcome } from '@govern/content-domain';
import { AppealDecidedEvent, ContentRestoredEvent, RestoreCause } from '@govern/contracts-content';
import { notFound, reason } from '@govern/policy-core';
import { lockAppealRow, lockPenaltyRow } from '../adapters/standing.repository';
import { appealStateToProto, tierToProto } from '../mapping/enums';
import { penaltyRecordOf, toJson } from '../mapping/json';
import { reassessStoredContent } from './assess-content-item';
import { loadContentItemView, type ContentItemView } from './content-view';
import { syncCreatorStanding } from './creator-standing';
import type { Work } from './work';

const lockPenalty = async (work: Work, penaltyId: string): Promise<PenaltyRow> => {
  await lockPenaltyRow(work.sql, penaltyId);
  const penalty = await work.tx.penalty.findUnique({ where: { id: penaltyId } });
  if (!penalty) throw notFound('PENALTY.NOT_FOUND', `Penalty ${penaltyId} is not known`, { penalty_id: penaltyId });
  return penalty;
};

/** Files an appeal: by the penalised creator, within the window, one pending at a time. */
export const fileAppeal = async (work: Work, input: { penaltyId: string; creatorId: string; statement: string; evidenceRefs: readonly string[] }): Promise<AppealRow> => {
  const { tx, now } = work;
  const penalty = await lockPenalty(work, input.penaltyId);
  const pending = await tx.appeal.count({ where: { penaltyId: penalty.id, state: 'PENDING' } });
  assertAppealable({ penalty: penaltyRecordOf(penalty), creatorId: input.creatorId, at: now, hasPendingAppeal: pending > 0 }, work.policy);
  const policy = policyRef(work.policy);
  return tx.appeal.create({
    data: {
      id: work.newId(),
      penaltyId: penalty.id,
      creatorId: input.creatorId,
      statement: input.statement,
      evidenceRefs: toJson(input.evidenceRefs),
      state: 'PENDING',
      reasons: toJson([]),
      policyName: policy.name,
      policyVersion: policy.version,
      filedAt: now,
    },
  });
};

export interface AppealDecision {
  appeal: AppealRow;
  penalty: PenaltyRow;
  item: ContentItemView | undefined;
  creatorId: string;
}

/**
 * Decides an appeal once. Upheld: the penalty stands. Overturned: the penalty and its credit
 * deductions are marked overturned (the creator's credit is recomputed without them, with its
 * events), the violations it punished are waived for the item, and the item is re-assessed
 * without them, which gives back the tier its quality earns and re-links what no rule refuses.
 */
export const decideAppeal = async (work: Work, input: { appealId: string; outcome: AppealOutcome; reviewerId: string; note: string }): Promise<AppealDecision> => {
  const { tx, now } = work;
  await lockAppealRow(work.sql, input.appealId);
  const appeal = await tx.appeal.findUnique({ where: { id: input.appealId } });
  if (!appeal) throw notFound('APPEAL.NOT_FOUND', `Appeal ${input.appealId} is not known`, { appeal_id: input.appealId });
  assertDecidable({ id: appeal.id, state: appeal.state as 'PENDING' | 'UPHELD' | 'OVERTURNED' });
  const policy = policyRef(work.policy);
  let penalty = await lockPenalty(work, appeal.penaltyId);

  if (input.outcome === 'UPHOLD') {
    const reasons = [reason('APPEAL.UPHELD', `Penalty ${penalty.id} stands`, { penalty_id: penalty.id, reviewer_id: input.reviewerId })];
    const decided = await tx.appeal.update({
      where: { id: appeal.id },
      data: { state: 'UPHELD', reviewerId: input.reviewerId, decisionNote: input.note, reasons: toJson(reasons), policyName: policy.name, policyVersion: policy.version, decidedAt: now },
    });
    work.emit(AppealDecidedEvent, { appealId: appeal.id, penaltyId: penalty.id, creatorId: appeal.creatorId, state: appealStateToProto('UPHELD'), reasons });
    return { appeal: decided, penalty, item: penalty.contentId ? await loadContentItemView(tx, penalty.contentId) : undefined, creatorId: penalty.creatorId };
  }

  const plan = planOverturn(
    { penalty: penaltyRecordOf(penalty), otherActivePenalties: [], merchantOf: new Map(), bannedProductIds: new Set(), removedMerchantIds: new Set() },
    work.policy,
  );
  const reasons = [...plan.reasons.filter((r) => r.code === 'APPEAL.OVERTURNED'), reason('APPEAL.DECIDED_BY', `Reviewer ${input.reviewerId}`, { reviewer_id: input.reviewerId })];
  penalty = await tx.penalty.update({ where: { id: penalty.id }, data: { state: 'OVERTURNED', endedAt: now } });
  if (plan.overturnDeductionIds.length > 0) {
    await tx.creditDeduction.updateMany({ where: { id: { in: plan.overturnDeductionIds }, state: { not: 'OVERTURNED' } }, data: { state: 'OVERTURNED', endedAt: now } });
    await syncCreatorStanding(work, penalty.creatorId, 'APPEAL_OVERTURNED', { deductionId: plan.overturnDeductionIds[0] ?? '', reasons });
  }

  let item: ContentItemView | undefined;
  if (penalty.contentId) {
    const outcome = await reassessStoredContent(work, { contentId: penalty.contentId, trigger: 'APPEAL', note: `appeal ${appeal.id} overturned penalty ${penalty.id}` });
    work.emit(ContentRestoredEvent, {
      contentId: penalty.contentId,
      creatorId: penalty.creatorId,
      penaltyId: penalty.id,
      appealId: appeal.id,
      cause: RestoreCause.RESTORE_CAUSE_APPEAL_OVERTURNED,
      tier: tierToProto(outcome.item.tier),
      trafficWeight: outcome.item.trafficWeight,
      relinkedProductIds: outcome.relinkedProductIds,
    });
    item = { item: outcome.item, links: outcome.links, latest: outcome.assessment, activePenaltyIds: outcome.activePenaltyIds };
  }
  const decided = await tx.appeal.update({
    where: { id: appeal.id },
    data: { state: 'OVERTURNED', reviewerId: input.reviewerId, decisionNote: input.note, reasons: toJson(reasons), policyName: policy.name, policyVersion: policy.version, decidedAt: now },
  });
  work.emit(AppealDecidedEvent, { appealId: appeal.id, penaltyId: penalty.id, creatorId: appeal.creatorId, state: appealStateToProto('OVERTURNED'), reasons });
  return { appeal: decided, penalty, item, creatorId: penalty.creatorId };
};
