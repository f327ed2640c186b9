import type { ConsumerExperienceTx } from '@govern/consumer-experience-data-access';
import { METRICS_POLICY } from '@govern/consumer-experience-domain';
import type { JobToSchedule } from '@govern/platform-db';
import { recordUnitDecisions, type UnitDecisionToRecord } from '@govern/platform-decisions';
import { UnitOfWork, type UnitOfWorkInit } from '@govern/platform-runtime';
import type { ConsumerExperienceDeps } from '../deps';
import { JOB } from '../jobs/job-kinds';

/**
 * consumer-experience's unit of work: the platform's (one transaction; events, durable jobs and the
 * stored answer written in one statement before COMMIT) plus this service's own effect, the
 * debounced metric reports: a use case `touch`es the merchant, product and content item a fact
 * concerns, and the unit schedules one report per subject and period.
 */

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
    readonly deps: ConsumerExperienceDeps,
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
   * Records decisions in this unit's transaction, committed with it (see recordUnitDecisions). With
   * `withEffects`, their row goes out inside the unit's effects statement (`sendWithEffects`): for a
   * unit that records no other decision and never reads its records back.
   */
  recordDecisions(records: readonly UnitDecisionToRecord[], options: { withEffects?: boolean } = {}): Promise<void> {
    return recordUnitDecisions(this.deps.decisions, options.withEffects ? { sql: this.withEffectsSql, cause: this.cause, actor: this.actor } : this, records);
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
        // Many actors' facts feed one report: it is the service's, not its first scheduler's.
        const report: JobToSchedule = { kind, key: `${subjectId}@${periodEnd.toISOString()}`, dueAt: periodEnd, payload: { subjectId }, asService: true };
        this.schedule(report);
      }
      subjects.clear();
    }
  }
}

/** The unit factory the service's units of work use. */
export const createWork =
  (deps: ConsumerExperienceDeps) =>
  (init: UnitOfWorkInit<ConsumerExperienceTx>): Work =>
    new Work(init, deps);
