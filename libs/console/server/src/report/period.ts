/**
 * The report's period and its buckets (days or ISO weeks) in the console's time zone: a day is
 * midnight to midnight where the operators are, not in UTC. Dates are calendar dates
 * (`YYYY-MM-DD`); instants are computed per date, so a DST change gives a 23- or 25-hour day.
 */
export type Granularity = 'day' | 'week';

export interface Bucket {
  /** Calendar date the bucket starts on. */
  label: string;
  from: Date;
  to: Date;
}

export interface Period {
  from: Date;
  to: Date;
  fromDate: string;
  /** Inclusive, as people pick it. */
  toDate: string;
  granularity: Granularity;
  buckets: Bucket[];
}

export const MAX_BUCKETS = 92;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

const parts = (date: string): [number, number, number] | undefined => {
  const match = DATE.exec(date);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(y, m - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === m - 1 && check.getUTCDate() === d ? [y, m, d] : undefined;
};

/** Offset of `timeZone` from UTC at an instant, in ms (east positive). */
const offsetAt = (instant: number, timeZone: string): number => {
  const fields = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(
    new Date(instant),
  );
  const get = (type: string): number => Number(fields.find((f) => f.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(instant / 1000) * 1000;
};

/** The instant a calendar date starts in a time zone. */
export const startOfDate = (date: string, timeZone: string): Date => {
  const p = parts(date);
  if (!p) throw new Error(`not a calendar date: ${date}`);
  const guess = Date.UTC(p[0], p[1] - 1, p[2]);
  const first = guess - offsetAt(guess, timeZone);
  // Once more at the candidate: the offset may differ across a DST change near midnight.
  return new Date(guess - offsetAt(first, timeZone));
};

export const addDays = (date: string, days: number): string => {
  const p = parts(date);
  if (!p) throw new Error(`not a calendar date: ${date}`);
  return new Date(Date.UTC(p[0], p[1] - 1, p[2]) + days * DAY_MS).toISOString().slice(0, 10);
};

/** The calendar date of an instant in a time zone. */
export const dateIn = (instant: Date, timeZone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);

/** Monday = 0 … Sunday = 6 (ISO weeks start on Monday, as in China). */
const isoWeekday = (date: string): number => {
  const p = parts(date) as [number, number, number];
  return (new Date(Date.UTC(p[0], p[1] - 1, p[2])).getUTCDay() + 6) % 7;
};

export type PeriodResult = { ok: true; period: Period } | { ok: false; problem: 'dates' | 'order' | 'buckets' };

/** The period from the picker's dates; `toDate` inclusive. Buckets clip to the period at both ends. */
export const periodOf = (fromDate: string, toDate: string, granularity: Granularity, timeZone: string): PeriodResult => {
  if (!parts(fromDate) || !parts(toDate)) return { ok: false, problem: 'dates' };
  if (fromDate > toDate) return { ok: false, problem: 'order' };
  const endDate = addDays(toDate, 1);
  const buckets: Bucket[] = [];
  let cursor = fromDate;
  while (cursor < endDate) {
    const next = granularity === 'day' ? addDays(cursor, 1) : addDays(cursor, 7 - isoWeekday(cursor));
    const bucketEnd = next < endDate ? next : endDate;
    buckets.push({ label: cursor, from: startOfDate(cursor, timeZone), to: startOfDate(bucketEnd, timeZone) });
    if (buckets.length > MAX_BUCKETS) return { ok: false, problem: 'buckets' };
    cursor = bucketEnd;
  }
  return { ok: true, period: { from: startOfDate(fromDate, timeZone), to: startOfDate(endDate, timeZone), fromDate, toDate, granularity, buckets } };
};
