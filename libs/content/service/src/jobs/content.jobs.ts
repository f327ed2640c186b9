import type { ContentTx } from '@govern/content-data-access';
import type { DueJob, JobHandler } from '@govern/platform-db';
import { actorOfJob, type UnitsOfWork } from '@govern/platform-runtime';
import { continueCascade, type CascadeJobPayload } from '../use-cases/cascades';
import { endLinkingSuspension, expireDeduction } from '../use-cases/credit-timers';
import type { Work } from '../use-cases/work';
import { JOB_KINDS } from './job-kinds';

/**
 * The service's durable timers. Each runs in the transaction that completes its scheduled_jobs row
 * (units.within), so it runs once even across replicas and restarts, and its events and the jobs it
 * schedules commit with it; every handler re-reads state and does nothing when the world moved on.
 */
const inUnit =
  (units: UnitsOfWork<ContentTx, Work>, action: (work: Work, job: DueJob) => Promise<void>): JobHandler<ContentTx> =>
  async (job, _tx, transaction) => {
    await units.within(transaction, { causationId: `job:${job.kind}:${job.key}`, actor: actorOfJob(job) }, (work) => action(work, job));
  };

/** Credit timers: a deduction's expiry, the end of a linking suspension. */
export const creditJobHandlers = (units: UnitsOfWork<ContentTx, Work>): Record<string, JobHandler<ContentTx>> => ({
  [JOB_KINDS.deductionExpiry]: inUnit(units, (work, job) => expireDeduction(work, job.key)),
  [JOB_KINDS.linkingSuspensionEnd]: inUnit(units, async (work, job) => {
    const creatorId = job.payload['creatorId'];
    if (typeof creatorId === 'string' && creatorId) await endLinkingSuspension(work, creatorId);
  }),
});

/**
 * Cascade batches: the next one, and the one after it scheduled in the same transaction. Their
 * events keep the cascade's first cause (the event that started it), as they did in its first batch.
 */
export const cascadeJobHandlers = (units: UnitsOfWork<ContentTx, Work>): Record<string, JobHandler<ContentTx>> => ({
  [JOB_KINDS.cascade]: async (job, _tx, transaction) => {
    const payload = job.payload as unknown as CascadeJobPayload;
    await units.within(transaction, { causationId: payload.causationId, actor: actorOfJob(job) }, (work) => continueCascade(work, payload));
  },
});
