import { reason } from '@govern/policy-core';
import { syncCreatorStanding } from './creator-standing';
import type { Work } from './work';

/**
 * A deduction reached the end of its lifetime: it is marked expired (its penalty too, once none of
 * its deductions is in force) and the creator's credit is recomputed, with its events. A deduction
 * overturned or expired meanwhile is left as it is.
 */
export const expireDeduction = async (work: Work, deductionId: string): Promise<void> => {
  const { tx, now } = work;
  const deduction = await tx.creditDeduction.findUnique({ where: { id: deductionId } });
  if (!deduction || deduction.state !== 'ACTIVE') return;
  await tx.creditDeduction.update({ where: { id: deduction.id }, data: { state: 'EXPIRED', endedAt: now } });
  const stillActive = await tx.creditDeduction.count({ where: { penaltyId: deduction.penaltyId, state: 'ACTIVE' } });
  if (stillActive === 0) await tx.penalty.updateMany({ where: { id: deduction.penaltyId, state: 'ACTIVE' }, data: { state: 'EXPIRED', endedAt: now } });
  await syncCreatorStanding(work, deduction.creatorId, 'EXPIRY', {
    deductionId: deduction.id,
    reasons: [reason('CREATOR.CREDIT.DEDUCTION_EXPIRED', `${deduction.points} point(s) deducted on ${deduction.deductedAt.toISOString()} returned`, { deduction_id: deduction.id })],
  });
};

/** A linking suspension reached its end: the creator may link again unless a later deduction extended it. */
export const endLinkingSuspension = async (work: Work, creatorId: string): Promise<void> => {
  await syncCreatorStanding(work, creatorId, 'SUSPENSION_ENDED');
};
