import type { MerchantAccessTx } from '@govern/merchant-access-data-access';
import type { DueJob, JobHandler } from '@govern/platform-db';
import { actorOfJob } from '@govern/platform-runtime';
import type { MerchantAccessDeps, Work } from '../deps';
import { sweepAffiliatesOnSchedule } from './affiliate-sweep.job';
import { AFFILIATE_SWEEP_JOB, SANCTION_EXPIRY_JOB } from './job-kinds';
import { endSanction } from './sanction-expiry.job';

/**
 * The service's durable timers. Each runs in a unit of work inside the transaction that completes
 * its scheduled_jobs row, so it runs once even across replicas and restarts, and its events and
 * follow-up jobs commit with it.
 */
export const createJobHandlers = (deps: Pick<MerchantAccessDeps, 'units' | 'log'>): Record<string, JobHandler<MerchantAccessTx>> => {
  const run =
    (action: (work: Work, job: DueJob) => Promise<unknown>): JobHandler<MerchantAccessTx> =>
    async (job, _tx, transaction) => {
      await deps.units.within(transaction, { causationId: `${job.kind}:${job.key}`, actor: actorOfJob(job) }, (work) => action(work, job));
    };
  return {
    [SANCTION_EXPIRY_JOB]: run((work, job) => endSanction(work, job.key)),
    [AFFILIATE_SWEEP_JOB]: run((work) => sweepAffiliatesOnSchedule(work, deps.log)),
  };
};
