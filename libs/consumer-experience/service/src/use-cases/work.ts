import type { ConsumerExperienceTx } from '@govern/consumer-experience-data-access';
import { METRICS_POLICY, type MetricsPolicy } from '@govern/consumer-experience-domain';
import type { JobToSchedule } from '@govern/platform-db';
import { asDbTransaction, UnitOfWork, type UnitOfWorkInit } from '@govern/platform-runtime';
import type { Clock, IdGenerator } from '@govern/policy-core';

/**
 * consumer-experience's unit of work: the platform's (one transaction; events, durable jobs and the
 * stored answer written in one statement before COMMIT) plus this service's own effect, the
 * debounced metric reports: a use case `touch`es the merchant, product and content item a fact
 * concerns, and the unit schedules one report per subject and period.
 */

/** Durable job kinds of this service (scheduled_jobs.kind). Keys are single-use per kind. */
export const JOB = {
  DISPATCH_DEADLINE: 'DISPATCH_DEADLINE',
  FIRST_SCAN_DEADLINE: 'FIRST_SCAN_DEADLINE',
  MERCHANT_RESPONSE_DEADLINE: 'MERCHANT_RESPONSE_DEADLINE',
  DISPUTE_PAYMENT_DEADLINE: 'DISPUTE_PAYMENT_DEADLINE',
  REPORT_MERCHANT_METRICS: 'REPORT_MERCHANT_METRICS',
  REPORT_CONTENT_ATTRIBUTION: 'REPORT_CONTENT_ATTRIBUTION',
  REPORT_PRODUCT_STATS: 'REPORT_PRODUCT_STATS',
  INSPECTION_COMPENSATION_CHUNK: 'INSPECTION_COMPENSATION_CHUNK',
  MERCHANT_REMOVAL_CHUNK: 'MERCHANT_REMOVAL_CHUNK',
} as const;

/** Orders handled per transaction in a cascade; the rest continue in durable jobs. */
export const DEFAULT_CASCADE_CHUNK_SIZE = 2_000;

export interface ServiceDeps {
  clock: Clock;
  ids: IdGenerator;
  metricsPolicy?: MetricsPolicy;
  /** Orders per cascade transaction (DEFAULT_CASCADE_CHUNK_SIZE unless a test wants small chunks). */
  cascadeChunkSize?: number;
}

/** What a fact concerns, for the debounced metric reports. */
export interface Touched {
  merchantId?: string | null | undefined;
  productId?: string | null | undefined;
  contentId?: string | null | undefined;
}

export class Work extends UnitOfWork<ConsumerExperienceTx> {
  private readonly touched = {
    [JOB.REPORT_MERCHANT_METRICS]: new Set<string>(),
    [JOB.REPORT_PRODUCT_STATS]: new Set<string>(),
    [JOB.REPORT_CONTENT_ATTRIBUTION]: new Set<string>(),
  };

  constructor(
    init: UnitOfWorkInit<ConsumerExperienceTx>,
    readonly deps: ServiceDeps,
  ) {
    super(init);
  }

  /** Marks a merchant, product and content item for their next debounced report. */
  touch(what: Touched): void {
    if (what.merchantId) this.touched[JOB.REPORT_MERCHANT_METRICS].add(what.merchantId);
    if (what.productId) this.touched[JOB.REPORT_PRODUCT_STATS].add(what.productId);
    if (what.contentId) this.touched[JOB.REPORT_CONTENT_ATTRIBUTION].add(what.contentId);
  }

  /**
   * Time buckets make the debounce: every fact of one period lands on the same (kind, key), and a
   * job key is single-use, so a period yields one report per subject at its end. A hot product's
   * buyers do not queue on that key: once the first order of the period committed its row, the
   * others' INSERT ... ON CONFLICT DO NOTHING finds it and goes on without a lock.
   */
  protected override beforeFlush(): void {
    const policy = this.deps.metricsPolicy ?? METRICS_POLICY;
    const periodEnd = new Date((Math.floor(this.now.getTime() / policy.reportDebounceMs) + 1) * policy.reportDebounceMs);
    for (const [kind, subjects] of Object.entries(this.touched)) {
      for (const subjectId of subjects) {
        const report: JobToSchedule = { kind, key: `${subjectId}@${periodEnd.toISOString()}`, dueAt: periodEnd, payload: { subjectId } };
        this.schedule(report);
      }
      subjects.clear();
    }
  }
}

/** The unit factory the service's units of work use. */
export const createWork =
  (deps: ServiceDeps) =>
  (init: UnitOfWorkInit<ConsumerExperienceTx>): Work =>
    new Work(init, deps);

/**
 * Runs a use case in a unit of work over a transaction its caller owns (a consumer's handler
 * transaction) and writes its effects before returning, so they commit with the caller's.
 */
export const inWork = async <R>(tx: ConsumerExperienceTx, deps: ServiceDeps, causationId: string, run: (work: Work) => Promise<R>): Promise<R> => {
  const transaction = asDbTransaction(tx);
  const work = new Work({ transaction, clock: deps.clock, ids: deps.ids, cause: { causationId } }, deps);
  const result = await run(work);
  work.flush();
  await transaction.settle();
  return result;
};
