import { ValidationError } from '@govern/policy-core';

/** Keyset position of a page: the sort timestamp and id of the last row returned. */
export interface PageCursor {
  at: Date;
  id: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

const invalidToken = (): ValidationError =>
  new ValidationError([{ field: 'page_token', description: 'is not a page token this service issued', reason: 'INVALID_PAGE_TOKEN' }], 'REQUEST.INVALID_PAGE_TOKEN');

export const encodePageToken = (cursor: PageCursor): string => Buffer.from(JSON.stringify({ at: cursor.at.toISOString(), id: cursor.id })).toString('base64url');

export const decodePageToken = (token: string): PageCursor | undefined => {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { at?: unknown; id?: unknown };
    const at = typeof parsed.at === 'string' ? new Date(parsed.at) : undefined;
    if (!at || Number.isNaN(at.getTime()) || typeof parsed.id !== 'string') throw invalidToken();
    return { at, id: parsed.id };
  } catch {
    throw invalidToken();
  }
};

/** AIP-158: 0 means the default; above the maximum is coerced to it; negative is bad input. */
export const pageSizeOf = (requested: number): number => {
  if (requested < 0) throw new ValidationError([{ field: 'page_size', description: 'must not be negative', reason: 'OUT_OF_RANGE' }], 'REQUEST.INVALID_PAGE_SIZE');
  return requested === 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
};
