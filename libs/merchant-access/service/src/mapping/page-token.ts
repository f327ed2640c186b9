import { Violations } from '@govern/policy-core';
import { REQUEST_LIMITS } from '../use-cases/validation';

/**
 * Opaque keyset page tokens: the sort key of the last item returned, base64url JSON. A token
 * that does not decode is reported as an invalid `page_token`.
 */
export const encodePageToken = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

export const decodePageToken = (v: Violations, token: string): (string | number)[] | undefined => {
  if (!token) return undefined;
  if (!v.maxLength('page_token', token, REQUEST_LIMITS.pageTokenMaxLength)) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    // reported below
  }
  v.add('page_token', 'is not a token this service returned', 'INVALID_PAGE_TOKEN');
  return undefined;
};
