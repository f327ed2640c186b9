import type { ProductQualityTx } from '@govern/product-quality-data-access';
import type { DueJob, JobHandler } from '@govern/platform-db';
import { actorOfJob, type Cause } from '@govern/platform-runtime';
import { restoreIfOwnerDidNotEscalate } from '../use-cases/brands-and-ip';
import { type CascadeLimits, continueMerchantRemoval, type RemovalJobPayload } from '../use-cases/merchant-standing';
import type { ProductQualityUnits, Work } from '../use-cases/work';
import { JOB } from './job-kinds';

/**
 * The service's durable timers. Each runs in the transaction that completes its scheduled_jobs
 * row (so once, across replicas and restarts), as a unit of work whose events and follow-up jobs
 * commit with it; every handler re-reads state and does nothing when the world moved on.
 */
export const createJobHandlers = (units: ProductQualityUnits, limits: CascadeLimits): Record<string, JobHandler<ProductQualityTx>> => {
  const run =
    (causeOf: (job: DueJob) => Cause, action: (work: Work, job: DueJob) => Promise<unknown>): JobHandler<ProductQualityTx> =>
    async (job, _tx, transaction) => {
      await units.within(transaction, causeOf(job), (work) => action(work, job));
    };
  const ownCause = (job: DueJob): Cause => ({ causationId: `${job.kind}:${job.key}`, actor: actorOfJob(job) });
  return {
    // The next share of a removed merchant's products: its events belong to the removal that started it.
    [JOB.MERCHANT_REMOVAL_CONTINUE]: run(
      (job) => {
        const payload = job.payload as unknown as RemovalJobPayload;
        return { causationId: payload.removal_event_id, correlationId: payload.correlation_id, actor: actorOfJob(job) };
      },
      (work, job) => continueMerchantRemoval(work, job.payload as unknown as RemovalJobPayload, limits),
    ),
    // At the restore deadline of a counter-noticed IP complaint: restore unless escalated or decided.
    [JOB.IP_RESTORE_DUE]: run(ownCause, (work, job) => restoreIfOwnerDidNotEscalate(work, String(job.payload['complaint_id'] ?? job.key))),
  };
};
