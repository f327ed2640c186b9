import type { ConsumerExperienceTx } from '@govern/consumer-experience-data-access';
import type { DueJob, JobHandler } from '@govern/platform-db';
import { onDisputePaymentDeadline, onMerchantResponseDeadline } from '../use-cases/after-sales';
import { onCareNudge, onCareStepIn } from '../use-cases/care';
import { continueInspectionCompensation, continueMerchantRemoval } from '../use-cases/cascades';
import { onContactReplyDeadline } from '../use-cases/contacts';
import { onDispatchDeadline, onFirstScanDeadline } from '../use-cases/orders';
import { reportContentAttribution, reportMerchantMetrics, reportProductStats } from '../use-cases/reports';
import { actorOfJob, type UnitsOfWork } from '@govern/platform-runtime';
import type { Work } from '../use-cases/work';
import { JOB } from './job-kinds';

/**
 * The service's durable timers: promise clocks, after-sale deadlines, the debounced metric reports,
 * and the continuation chunks of large cascades. Each runs in the transaction that completes its
 * scheduled_jobs row, so it runs once even across replicas and restarts; every handler re-reads
 * state and does nothing when the world moved on (a shipment arrived, the merchant answered).
 */
const subjectOf = (job: DueJob): string => {
  const subject = job.payload['subjectId'];
  return typeof subject === 'string' ? subject : job.key;
};

export const createJobHandlers = (units: UnitsOfWork<ConsumerExperienceTx, Work>): Record<string, JobHandler<ConsumerExperienceTx>> => {
  const run =
    (action: (work: Work, job: DueJob) => Promise<unknown>): JobHandler<ConsumerExperienceTx> =>
    async (job, _tx, transaction) => {
      await units.within(transaction, { causationId: `${job.kind}:${job.key}`, actor: actorOfJob(job) }, (work) => action(work, job));
    };
  return {
    [JOB.DISPATCH_DEADLINE]: run((work, job) => onDispatchDeadline(work, job.key)),
    [JOB.FIRST_SCAN_DEADLINE]: run((work, job) => onFirstScanDeadline(work, job.key)),
    [JOB.MERCHANT_RESPONSE_DEADLINE]: run((work, job) => onMerchantResponseDeadline(work, job.key)),
    [JOB.DISPUTE_PAYMENT_DEADLINE]: run((work, job) => onDisputePaymentDeadline(work, job.key)),
    [JOB.REPORT_MERCHANT_METRICS]: run((work, job) => reportMerchantMetrics(work, subjectOf(job))),
    [JOB.REPORT_CONTENT_ATTRIBUTION]: run((work, job) => reportContentAttribution(work, subjectOf(job))),
    [JOB.REPORT_PRODUCT_STATS]: run((work, job) => reportProductStats(work, subjectOf(job))),
    [JOB.INSPECTION_COMPENSATION_CHUNK]: run((work, job) => continueInspectionCompensation(work, subjectOf(job))),
    [JOB.MERCHANT_REMOVAL_CHUNK]: run((work, job) => continueMerchantRemoval(work, subjectOf(job))),
    [JOB.CONTACT_REPLY_DEADLINE]: run((work, job) => onContactReplyDeadline(work, job.key)),
    [JOB.CARE_NUDGE]: run((work, job) => onCareNudge(work, job.payload)),
    [JOB.CARE_STEP_IN]: run((work, job) => onCareStepIn(work, subjectOf(job))),
  };
};
