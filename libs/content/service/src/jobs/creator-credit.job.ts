import type { ContentTx } from '@govern/content-data-access';
import type { DueJob } from '@govern/platform-db';
import { reason } from '@govern/policy-core';
import type { ContentDeps } from '../deps';
import { EventBatch } from '../events/event-batch';
import { syncCreatorStanding } from '../use-cases/creator-standing';

/**
 * A deduction reached the end of its lifetime: it is marked expired (its penalty too, once none
 * of its deductions is in force) and the creator's credit is recomputed, with its events.
 */
export const deductionExpiryJob =
  (deps: ContentDeps) =>
  async (job: DueJob, tx: ContentTx): Promise<void> => {
    const now = deps.clock.now();
    const deduction = await tx.creditDeduction.findUnique({ where: { id: job.key } });
    if (!deduction || deduction.state !== 'ACTIVE') return;
    await tx.creditDeduction.update({ where: { id: deduction.id }, data: { state: 'EXPIRED', endedAt: now } });
    const stillActive = await tx.creditDeduction.count({ where: { penaltyId: deduction.penaltyId, state: 'ACTIVE' } });
    if (stillActive === 0) await tx.penalty.updateMany({ where: { id: deduction.penaltyId, state: 'ACTIVE' }, data: { state: 'EXPIRED', endedAt: now } });
    const events = new EventBatch(deps, { causationId: `job:${job.kind}:${job.key}` });
    await syncCreatorStanding(tx, deps, events, deduction.creatorId, 'EXPIRY', {
      deductionId: deduction.id,
      reasons: [reason('CREATOR.CREDIT.DEDUCTION_EXPIRED', `${deduction.points} point(s) deducted on ${deduction.deductedAt.toISOString()} returned`, { deduction_id: deduction.id })],
    });
    await events.write(tx);
  };

/** A linking suspension reached its end: the creator may link again unless a later deduction extended it. */
export const linkingSuspensionEndJob =
  (deps: ContentDeps) =>
  async (job: DueJob, tx: ContentTx): Promise<void> => {
    const creatorId = String(job.payload['creatorId'] ?? '');
    if (!creatorId) return;
    const events = new EventBatch(deps, { causationId: `job:${job.kind}:${job.key}` });
    await syncCreatorStanding(tx, deps, events, creatorId, 'SUSPENSION_ENDED');
    await events.write(tx);
  };
