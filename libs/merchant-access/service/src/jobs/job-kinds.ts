/** Durable job kinds of this service (scheduled_jobs.kind). Keys are single-use per kind. */

/** A sanction's time is up (key: the sanction id). */
export const SANCTION_EXPIRY_JOB = 'sanction-expiry';

/** The periodic affiliate programme sweep (key: the ISO time it is due). */
export const AFFILIATE_SWEEP_JOB = 'affiliate-sweep';
