import { AFFILIATE_POLICY } from '@govern/merchant-access-domain';
import type { Logger } from 'pino';
import type { Work } from '../deps';
import { runAffiliateSweep } from '../use-cases/affiliate-sweep';
import { AFFILIATE_SWEEP_JOB } from './job-kinds';

/** The first period boundary strictly after `at` (boundaries are multiples of the interval since the epoch). */
export const nextSweepAt = (at: Date, intervalMs: number = AFFILIATE_POLICY.sweepIntervalMs): Date =>
  new Date((Math.floor(at.getTime() / intervalMs) + 1) * intervalMs);

/**
 * Makes sure the next periodic sweep is scheduled. Every replica does it at start: the job's key
 * is its due time, so they all schedule the same row and it runs once.
 */
export const scheduleNextSweep = (work: Work): void => {
  const dueAt = nextSweepAt(work.now);
  work.schedule({ kind: AFFILIATE_SWEEP_JOB, key: dueAt.toISOString(), dueAt });
};

/**
 * Runs the sweep, then schedules the next one: after the boundary that follows now, so a service
 * that was down for days sweeps once on return instead of once per missed period.
 */
export const sweepAffiliatesOnSchedule = async (work: Work, log: Logger): Promise<void> => {
  const outcome = await runAffiliateSweep(work, { dryRun: false });
  log.info({ sweep_id: outcome.sweepId, evaluated: outcome.evaluated, cleared: outcome.cleared.length, readmitted: outcome.readmitted.length }, 'affiliate sweep ran');
  scheduleNextSweep(work);
};
