import { Violations } from '@govern/policy-core';
import { REQUEST_LIMITS } from '../use-cases/validation';

/**
 * Opaque keyset page tokens: the sort key of the last item returned, base64url JSON. A token
 * that does not decode is reported as an invalid `page_token`.
 */
export const encodePageToken = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** Epoch milliseconds a PostgreSQL timestamp can hold (years 1970 to 9999). */
const isStorableTime = (ms: number): boolean => Number.isInteger(ms) && ms >= 0 && ms <= 253_402_300_799_999;

export const decodePageToken = (v: Violations, token: string): (string | number)[] | undefined => {
  if (!token) return undefined;
  if (!v.maxLength('page_token', token, REQUEST_LIMITS.pageTokenMaxLength)) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    // Every list here pages by (time in ms, id): anything else was not issued by this service.
    if (Array.isArray(key) && key.length === 2 && typeof key[1] === 'string' && isStorableTime(Number(key[0]))) return key;
  } catch {
    // reported below
  }
  v.add('page_token', 'is not a token this service returned', 'INVALID_PAGE_TOKEN');
  return undefined;
};
