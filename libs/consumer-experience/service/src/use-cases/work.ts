import type { EventType } from '@govern/contracts-common';
import type { ConsumerExperienceTx } from '@govern/consumer-experience-data-access';
import { METRICS_POLICY, type MetricsPolicy, type TimerKind } from '@govern/consumer-experience-domain';
import { cancelJobs, scheduleJobs, type JobToSchedule } from '@govern/platform-db';
import { appendToOutbox, toOutgoing, type EventMessage, type OutgoingEvent } from '@govern/platform-events';
import { newEventMeta } from '@govern/platform-runtime';
import type { Clock, IdGenerator } from '@govern/policy-core';

/**
 * One unit of work: the transaction a mutation, consumer or job runs in, the time it runs at,
 * and what it causes besides rows (events, timers, metric reports). Use cases add effects as they
 * go; `flush` writes them all in a few set-based statements before the transaction commits, so a
 * rolled-back use case leaves no event and no timer behind.
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

/** Postgres binds at most 65535 parameters per statement; scheduleJobs takes 4 per job. */
const JOBS_PER_STATEMENT = 10_000;

export class Work {
  readonly now: Date;
  private readonly events: OutgoingEvent[] = [];
  private readonly schedules: JobToSchedule[] = [];
  private readonly cancels = new Map<string, Set<string>>();
  private readonly touched = {
    [JOB.REPORT_MERCHANT_METRICS]: new Set<string>(),
    [JOB.REPORT_PRODUCT_STATS]: new Set<string>(),
    [JOB.REPORT_CONTENT_ATTRIBUTION]: new Set<string>(),
  };

  constructor(
    readonly tx: ConsumerExperienceTx,
    readonly deps: ServiceDeps,
    /** The request id, event id or job key that caused this work: the events' causation id. */
    readonly causationId: string,
  ) {
    this.now = deps.clock.now();
  }

  newId(): string {
    return this.deps.ids.next();
  }

  emit<T extends EventMessage>(type: EventType<T>, body: Omit<T, 'meta'>): void {
    const meta = newEventMeta(this.deps, { causationId: this.causationId });
    this.events.push(toOutgoing(type, { ...body, meta } as T));
  }

  schedule(kind: TimerKind | (typeof JOB)[keyof typeof JOB], key: string, dueAt: Date, payload: Record<string, unknown> = {}): void {
    this.schedules.push({ kind, key, dueAt, payload });
  }

  cancel(kind: TimerKind, key: string): void {
    const keys = this.cancels.get(kind) ?? new Set<string>();
    keys.add(key);
    this.cancels.set(kind, keys);
  }

  /** Marks a merchant, product and content item for their next debounced report. */
  touch(what: Touched): void {
    if (what.merchantId) this.touched[JOB.REPORT_MERCHANT_METRICS].add(what.merchantId);
    if (what.productId) this.touched[JOB.REPORT_PRODUCT_STATS].add(what.productId);
    if (what.contentId) this.touched[JOB.REPORT_CONTENT_ATTRIBUTION].add(what.contentId);
  }

  async flush(): Promise<void> {
    for (const [kind, keys] of this.cancels) await cancelJobs(this.tx, kind, [...keys]);
    const policy = this.deps.metricsPolicy ?? METRICS_POLICY;
    // Time buckets make the debounce: every fact in one period lands on the same (kind, key), and
    // scheduleJobs keeps the first, so a period yields one report per subject at its end.
    const periodEnd = new Date((Math.floor(this.now.getTime() / policy.reportDebounceMs) + 1) * policy.reportDebounceMs);
    const reports: JobToSchedule[] = [];
    // Sorted keys: transactions touching overlapping subjects take the key locks in the same order.
    for (const [kind, subjects] of Object.entries(this.touched)) {
      for (const subjectId of [...subjects].sort()) {
        reports.push({ kind, key: `${subjectId}@${periodEnd.toISOString()}`, dueAt: periodEnd, payload: { subjectId } });
      }
    }
    const jobs = [...this.schedules, ...reports];
    for (let start = 0; start < jobs.length; start += JOBS_PER_STATEMENT) {
      await scheduleJobs(this.tx, jobs.slice(start, start + JOBS_PER_STATEMENT));
    }
    await appendToOutbox(this.tx, this.events);
    this.events.length = 0;
    this.schedules.length = 0;
    this.cancels.clear();
    for (const set of Object.values(this.touched)) set.clear();
  }
}

/** Runs a use case in a unit of work and writes its effects before the transaction commits. */
export const inWork = async <R>(tx: ConsumerExperienceTx, deps: ServiceDeps, causationId: string, run: (work: Work) => Promise<R>): Promise<R> => {
  const work = new Work(tx, deps, causationId);
  const result = await run(work);
  await work.flush();
  return result;
};
