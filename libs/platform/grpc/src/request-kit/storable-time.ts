/**
 * The times every Govern service can take: google.protobuf.Timestamp's own range
 * (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z). PostgreSQL's timestamptz and
 * JavaScript's Date both hold all of it, and nothing outside it is a valid Timestamp.
 */
export const MIN_STORABLE_SECONDS = -62_135_596_800n;
export const MAX_STORABLE_SECONDS = 253_402_300_799n;
export const MIN_STORABLE_TIME_MS = Number(MIN_STORABLE_SECONDS) * 1000;
export const MAX_STORABLE_TIME_MS = Number(MAX_STORABLE_SECONDS) * 1000 + 999;
export const STORABLE_RANGE_TEXT = 'between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';
export const MAX_NANOS = 999_999_999;

/** A Date that is a real time within the storable range. */
export const isStorableTime = (value: Date): boolean => {
  const ms = value.getTime();
  return ms >= MIN_STORABLE_TIME_MS && ms <= MAX_STORABLE_TIME_MS;
};

/**
 * What is wrong with raw Timestamp fields, or undefined when they are a storable time. The time
 * is also checked as the decoder will see it: ts-proto computes `seconds * 1000 + nanos / 1e6` in
 * floating point, and 9999-12-31T23:59:59.999999999Z rounds up to year 10000 there.
 */
export const timestampProblem = (seconds: bigint, nanos: number): string | undefined => {
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > MAX_NANOS) return 'nanos must be between 0 and 999999999';
  if (seconds < MIN_STORABLE_SECONDS || seconds > MAX_STORABLE_SECONDS) return `must be ${STORABLE_RANGE_TEXT}`;
  const ms = new Date(Number(seconds) * 1000 + nanos / 1_000_000).getTime();
  if (!(ms >= MIN_STORABLE_TIME_MS && ms <= MAX_STORABLE_TIME_MS)) return `must be ${STORABLE_RANGE_TEXT}`;
  return undefined;
};

/** PostgreSQL BIGINT (and protobuf int64) bounds. */
export const INT64_MIN = -9_223_372_036_854_775_808n;
export const INT64_MAX = 9_223_372_036_854_775_807n;
