import { Violations } from '@govern/policy-core';

/**
 * Opaque keyset page tokens: the sort key of the last item returned, base64url JSON. A
 * token that does not decode is bad input (INVALID_ARGUMENT on page_token), never a crash.
 */
export const encodePageToken = (key: readonly string[]): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

export const decodePageToken = (v: Violations, field: string, token: string, parts: number): string[] | undefined => {
  if (token === '') return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === parts && key.every((k) => typeof k === 'string')) return key as string[];
  } catch {
    // falls through to the violation
  }
  v.add(field, 'is not a token this service issued', 'INVALID_PAGE_TOKEN');
  return undefined;
};
