import { PoisonMessageError } from './event-bus';

/**
 * Bounds on the times an event carries. A producer's clock may run a little ahead of ours;
 * a time far ahead cannot be true, and believed it would freeze whatever keeps "the newest
 * wins" (a stats window ending next year hides every real report until then).
 */

/** How far ahead of this service's clock a producer's time may be; default 5 minutes. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Earliest time an event may name (nothing governed happened before; PostgreSQL stores it). */
const EARLIEST = Date.UTC(2000, 0, 1);

const valid = (time: Date | undefined): time is Date => time !== undefined && Number.isFinite(time.getTime()) && time.getTime() >= EARLIEST;

/**
 * When an event says something happened, for ordering and "newest wins" checks: its
 * `occurred_at`, but never later than now (a time ahead of our clock means now) and `now`
 * when missing or impossible.
 */
export const eventTime = (time: Date | undefined, now: Date): Date => (valid(time) && time.getTime() <= now.getTime() ? time : now);

export interface EventWindow {
  start: Date;
  end: Date;
}

/**
 * A reporting window an event carries (stats, metrics, attribution), checked: both ends
 * present and valid, start before end, end no further ahead of `now` than the allowed skew.
 * Anything else can never be applied: `PoisonMessageError` sends the event to the dead-letter
 * stream with the reason.
 */
export const plausibleWindow = (
  window: { startTime?: Date | undefined; endTime?: Date | undefined } | undefined,
  now: Date,
  what: string,
  maxSkewMs = DEFAULT_MAX_CLOCK_SKEW_MS,
): EventWindow => {
  const start = window?.startTime;
  const end = window?.endTime;
  if (!valid(start) || !valid(end)) throw new PoisonMessageError(`${what}: window without a valid start and end`);
  if (start.getTime() >= end.getTime()) throw new PoisonMessageError(`${what}: window starts at or after its end`);
  if (end.getTime() > now.getTime() + maxSkewMs) {
    throw new PoisonMessageError(`${what}: window ends ${end.toISOString()}, ahead of this service's clock (${now.toISOString()})`);
  }
  return { start, end };
};
