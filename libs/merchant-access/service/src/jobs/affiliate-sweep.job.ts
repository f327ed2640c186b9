import type { MerchantAccessTx } from '@govern/merchant-access-data-access';
import { AFFILIATE_POLICY } from '@govern/merchant-access-domain';
import { scheduleJobs, type DueJob, type SqlTx } from '@govern/platform-db';
import { runSweepInTx } from '../use-cases/affiliate-sweep';
import type { MerchantAccessDeps } from '../use-cases/deps';

/** The periodic affiliate programme sweep (durable timer; key: the ISO time it is due). */
export const AFFILIATE_SWEEP_JOB = 'affiliate-sweep';

/** The first period boundary strictly after `at` (boundaries are multiples of the interval since the epoch). */
export const nextSweepAt = (at: Date, intervalMs: number = AFFILIATE_POLICY.sweepIntervalMs): Date =>
  new Date((Math.floor(at.getTime() / intervalMs) + 1) * intervalMs);

/**
 * Makes sure the next periodic sweep is scheduled. Every replica calls it at start: the job's key
 * is its due time, so they all schedule the same row and it runs once.
 */
export const scheduleNextSweep = async (tx: SqlTx, at: Date): Promise<void> => {
  const dueAt = nextSweepAt(at);
  await scheduleJobs(tx, [{ kind: AFFILIATE_SWEEP_JOB, key: dueAt.toISOString(), dueAt }]);
};

/**
 * Runs the sweep, then schedules the next one: after the boundary that follows now, so a service
 * that was down for days sweeps once on return instead of once per missed period.
 */
export const createAffiliateSweepJob =
  (deps: MerchantAccessDeps) =>
  async (job: DueJob, tx: MerchantAccessTx): Promise<void> => {
    const outcome = await runSweepInTx(tx, deps, { sweepId: deps.ids.next(), dryRun: false, causationId: `${AFFILIATE_SWEEP_JOB}:${job.key}` });
    deps.log.info({ sweep_id: outcome.sweepId, evaluated: outcome.evaluated, cleared: outcome.cleared.length, readmitted: outcome.readmitted.length }, 'affiliate sweep ran');
    await scheduleNextSweep(tx, deps.clock.now());
  };
