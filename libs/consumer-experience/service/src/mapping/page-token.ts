import type { Violations } from '@govern/policy-core';

/**
 * Opaque page tokens: the sort key and id of the last item of a page, base64url JSON. A token that
 * does not decode is bad input (page_token), never a silent first page.
 */
export interface Cursor {
  /** Sort key of the last item (ISO time, or a numeric id as a string). */
  key: string;
  id: string;
}

export const encodePageToken = (cursor: Cursor): string => Buffer.from(JSON.stringify([cursor.key, cursor.id]), 'utf8').toString('base64url');

export const decodePageToken = (v: Violations, token: string): Cursor | undefined => {
  if (!token) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { key: parsed[0], id: parsed[1] };
    }
  } catch {
    // Falls through to the violation below.
  }
  v.add('page_token', 'is not a token this service issued', 'INVALID_PAGE_TOKEN');
  return undefined;
};

export const cursorTime = (v: Violations, cursor: Cursor | undefined): Date | undefined => {
  if (!cursor) return undefined;
  const at = new Date(cursor.key);
  // Issued tokens carry an ISO time PostgreSQL can store; a valid JavaScript date outside that
  // range would otherwise fail in the query as INTERNAL.
  if (Number.isNaN(at.getTime()) || at.toISOString() !== cursor.key || at.getUTCFullYear() < 1970 || at.getUTCFullYear() > 9999) {
    v.add('page_token', 'is not a token this service issued', 'INVALID_PAGE_TOKEN');
    return undefined;
  }
  return at;
};
